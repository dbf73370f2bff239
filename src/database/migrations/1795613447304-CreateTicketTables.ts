import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTicketTables1795613447304 implements MigrationInterface {
  name = 'CreateTicketTables1795613447304';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "eventId" uuid NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "publishedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_outbox_unpublished" ON "outbox"  ("id") WHERE "publishedAt" IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "ticket_event" ("id" uuid NOT NULL, "position" BIGSERIAL NOT NULL, "ticketId" uuid NOT NULL, "sequence" integer NOT NULL, "type" text NOT NULL, "actorId" uuid, "before" jsonb, "after" jsonb, "internal" boolean NOT NULL DEFAULT false, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_902a22d2110174b48925314c875" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_ticket_event_position" ON "ticket_event"  ("position") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_ticket_event_ticket_sequence" ON "ticket_event"  ("ticketId", "sequence") `);
    await queryRunner.query(`CREATE TYPE "message_visibility" AS ENUM('public', 'internal')`);
    await queryRunner.query(
      `CREATE TABLE "ticket_message" ("id" uuid NOT NULL, "ticketId" uuid NOT NULL, "authorId" uuid NOT NULL, "visibility" "message_visibility" NOT NULL, "body" text NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7d7c7fbe3303c18b7dbd6f1ce19" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_ticket_message_ticket_created" ON "ticket_message"  ("ticketId", "createdAt", "id") `);
    await queryRunner.query(`CREATE TYPE "ticket_status" AS ENUM('new', 'open', 'pending', 'on_hold', 'solved', 'closed')`);
    await queryRunner.query(`CREATE TYPE "ticket_priority" AS ENUM('low', 'normal', 'high', 'urgent')`);
    await queryRunner.query(`CREATE TYPE "ticket_type" AS ENUM('question', 'incident', 'problem', 'change_request', 'complaint')`);
    await queryRunner.query(`CREATE TYPE "ticket_channel" AS ENUM('web', 'email', 'chat', 'phone', 'api')`);
    await queryRunner.query(
      `CREATE TABLE "ticket" ("id" uuid NOT NULL, "number" SERIAL NOT NULL, "subject" text NOT NULL, "description" text NOT NULL, "status" "ticket_status" NOT NULL DEFAULT 'new', "priority" "ticket_priority" NOT NULL DEFAULT 'normal', "type" "ticket_type" NOT NULL DEFAULT 'question', "channel" "ticket_channel" NOT NULL DEFAULT 'web', "requesterId" uuid NOT NULL, "organizationId" uuid, "tierId" uuid NOT NULL, "escalationLevel" integer NOT NULL DEFAULT '1', "assigneeId" uuid, "tags" text array NOT NULL DEFAULT '{}', "customFields" jsonb NOT NULL DEFAULT '{}', "followUpOfId" uuid, "slaPolicyId" uuid, "firstResponseDueAt" TIMESTAMP WITH TIME ZONE, "resolutionDueAt" TIMESTAMP WITH TIME ZONE, "firstRespondedAt" TIMESTAMP WITH TIME ZONE, "slaBreached" text array NOT NULL DEFAULT '{}', "slaDueAt" TIMESTAMP WITH TIME ZONE, "lastEventSequence" integer NOT NULL DEFAULT '0', "searchPublicText" text NOT NULL DEFAULT '', "searchInternalText" text NOT NULL DEFAULT '', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "solvedAt" TIMESTAMP WITH TIME ZONE, "closedAt" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, CONSTRAINT "PK_d9a0835407701eb86f874474b7c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_ticket_number" ON "ticket"  ("number") `);
    // Expression and GIN indexes (declared with synchronize: false on the entity): the slaDueAt sort puts tickets
    // without a deadline last; tags and full text (English and Russian stemming) are searched through GIN.
    await queryRunner.query(`CREATE INDEX "ix_ticket_sla_due" ON "ticket" ((coalesce("slaDueAt", 'infinity'::timestamptz)), "id")`);
    await queryRunner.query(`CREATE INDEX "ix_ticket_tags" ON "ticket" USING gin ("tags")`);
    await queryRunner.query(
      `CREATE INDEX "ix_ticket_search_public" ON "ticket" USING gin ((to_tsvector('english', "searchPublicText") || to_tsvector('russian', "searchPublicText")))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_ticket_search_internal" ON "ticket" USING gin ((to_tsvector('english', "searchInternalText") || to_tsvector('russian', "searchInternalText")))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_ticket_updated" ON "ticket"  ("updatedAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_created" ON "ticket"  ("createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_assignee_created" ON "ticket"  ("assigneeId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_organization_created" ON "ticket"  ("organizationId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_requester_created" ON "ticket"  ("requesterId", "createdAt", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_ticket_tier_status_created" ON "ticket"  ("tierId", "status", "createdAt", "id") `);
    await queryRunner.query(
      `CREATE TABLE "tier_member" ("tierId" uuid NOT NULL, "userId" uuid NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7fe04bb9099ef5318c6a88e943e" PRIMARY KEY ("tierId", "userId"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_tier_member_user" ON "tier_member"  ("userId") `);
    await queryRunner.query(`CREATE TYPE "tier_assignment" AS ENUM('manual', 'round_robin', 'least_loaded')`);
    await queryRunner.query(
      `CREATE TABLE "tier" ("id" uuid NOT NULL, "name" text NOT NULL, "level" integer NOT NULL, "description" text NOT NULL DEFAULT '', "escalationTargetId" uuid, "requiredHandoff" text array NOT NULL DEFAULT '{}', "assignment" "tier_assignment" NOT NULL DEFAULT 'manual', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_14d67ceef0dbea040e39e97e7f6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_tier_name" ON "tier"  ("name") `);
    await queryRunner.query(`CREATE INDEX "ix_tier_level" ON "tier"  ("level", "createdAt", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_tier_level"`);
    await queryRunner.query(`DROP INDEX "uq_tier_name"`);
    await queryRunner.query(`DROP TABLE "tier"`);
    await queryRunner.query(`DROP TYPE "tier_assignment"`);
    await queryRunner.query(`DROP INDEX "ix_tier_member_user"`);
    await queryRunner.query(`DROP TABLE "tier_member"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_tier_status_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_requester_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_organization_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_assignee_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_created"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_updated"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_search_internal"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_search_public"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_tags"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_sla_due"`);
    await queryRunner.query(`DROP INDEX "uq_ticket_number"`);
    await queryRunner.query(`DROP TABLE "ticket"`);
    await queryRunner.query(`DROP TYPE "ticket_channel"`);
    await queryRunner.query(`DROP TYPE "ticket_type"`);
    await queryRunner.query(`DROP TYPE "ticket_priority"`);
    await queryRunner.query(`DROP TYPE "ticket_status"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_message_ticket_created"`);
    await queryRunner.query(`DROP TABLE "ticket_message"`);
    await queryRunner.query(`DROP TYPE "message_visibility"`);
    await queryRunner.query(`DROP INDEX "uq_ticket_event_ticket_sequence"`);
    await queryRunner.query(`DROP INDEX "uq_ticket_event_position"`);
    await queryRunner.query(`DROP TABLE "ticket_event"`);
    await queryRunner.query(`DROP INDEX "ix_outbox_unpublished"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
