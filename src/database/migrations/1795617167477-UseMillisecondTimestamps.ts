import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UseMillisecondTimestamps1795617167477 implements MigrationInterface {
  name = 'UseMillisecondTimestamps1795617167477';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_api_key_created"`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "expiresAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "lastUsedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "revokedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "outbox" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "outbox" ALTER COLUMN "publishedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket_event" ALTER COLUMN "at" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`DROP INDEX "ix_ticket_message_ticket_created"`);
    await queryRunner.query(`ALTER TABLE "ticket_message" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`DROP INDEX "ix_ticket_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_assignee_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_organization_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_requester_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_tier_status_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_updated"`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "firstResponseDueAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "resolutionDueAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "firstRespondedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "slaDueAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "solvedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "closedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "tier_member" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`DROP INDEX "ix_tier_level"`);
    await queryRunner.query(`ALTER TABLE "tier" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "tier" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ALTER COLUMN "lockedUntil" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ALTER COLUMN "expiresAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "organization" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "organization" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`DROP INDEX "ix_user_account_role_created"`);
    await queryRunner.query(`ALTER TABLE "user_account" ALTER COLUMN "deactivatedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "user_account" ALTER COLUMN "createdAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "user_account" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_api_key_created" ON "api_key"  ("createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_message_ticket_created" ON "ticket_message"  ("ticketId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_updated" ON "ticket"  ("updatedAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_created" ON "ticket"  ("createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_assignee_created" ON "ticket"  ("assigneeId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_organization_created" ON "ticket"  ("organizationId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_requester_created" ON "ticket"  ("requesterId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_tier_status_created" ON "ticket"  ("tierId", "status", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_tier_level" ON "tier"  ("level", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_user_account_role_created" ON "user_account"  ("role", "createdAt", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The indexes come back with the column order the earlier migrations gave them (the generator had listed the
    // columns in name order).
    await queryRunner.query(`DROP INDEX "ix_user_account_role_created"`);
    await queryRunner.query(`DROP INDEX "ix_tier_level"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_tier_status_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_requester_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_organization_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_assignee_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_updated"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_message_ticket_created"`);
    await queryRunner.query(`DROP INDEX "ix_api_key_created"`);
    await queryRunner.query(`ALTER TABLE "user_account" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "user_account" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "user_account" ALTER COLUMN "deactivatedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_user_account_role_created" ON "user_account" USING btree ("role", "createdAt", "id") `);
    await queryRunner.query(`ALTER TABLE "organization" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "organization" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ALTER COLUMN "expiresAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ALTER COLUMN "lockedUntil" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "tier" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "tier" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_tier_level" ON "tier" USING btree ("level", "createdAt", "id") `);
    await queryRunner.query(`ALTER TABLE "tier_member" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "closedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "solvedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "updatedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "slaDueAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "firstRespondedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "resolutionDueAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "ticket" ALTER COLUMN "firstResponseDueAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_ticket_updated" ON "ticket" USING btree ("updatedAt", "id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_ticket_tier_status_created" ON "ticket" USING btree ("tierId", "status", "createdAt", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_ticket_requester_created" ON "ticket" USING btree ("requesterId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_organization_created" ON "ticket" USING btree ("organizationId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_assignee_created" ON "ticket" USING btree ("assigneeId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_created" ON "ticket" USING btree ("createdAt", "id") `);
    await queryRunner.query(`ALTER TABLE "ticket_message" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "ix_ticket_message_ticket_created" ON "ticket_message" USING btree ("ticketId", "createdAt", "id") `,
    );
    await queryRunner.query(`ALTER TABLE "ticket_event" ALTER COLUMN "at" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "outbox" ALTER COLUMN "publishedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "outbox" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "createdAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "revokedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "lastUsedAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "api_key" ALTER COLUMN "expiresAt" TYPE TIMESTAMP(6) WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_api_key_created" ON "api_key" USING btree ("createdAt", "id") `);
  }
}
