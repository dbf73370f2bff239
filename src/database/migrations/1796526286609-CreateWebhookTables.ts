import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions (secrets encrypted, tiers a row each under foreign keys) and their deliveries, one per
 * subscription and event (unique), going with either.
 */
export class CreateWebhookTables1796526286609 implements MigrationInterface {
  name = 'CreateWebhookTables1796526286609';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_subscription" ("id" uuid NOT NULL, "url" text NOT NULL, "events" text array NOT NULL, "priorities" text array NOT NULL DEFAULT '{}', "active" boolean NOT NULL DEFAULT true, "includeInternal" boolean NOT NULL DEFAULT false, "secretEncrypted" text NOT NULL, "previousSecretEncrypted" text, "previousSecretExpiresAt" TIMESTAMP(3) WITH TIME ZONE, "disabledReason" text, "disabledAt" TIMESTAMP(3) WITH TIME ZONE, "failingSince" TIMESTAMP(3) WITH TIME ZONE, "createdById" uuid NOT NULL, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_b52cb4811c5ada4f42896c37ba8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_webhook_subscription_created_by" ON "webhook_subscription"  ("createdById") `);
    await queryRunner.query(`CREATE INDEX "ix_webhook_subscription_created" ON "webhook_subscription"  ("createdAt", "id") `);
    await queryRunner.query(`CREATE TYPE "webhook_delivery_status" AS ENUM('pending', 'succeeded', 'failed', 'disabled')`);
    await queryRunner.query(
      `CREATE TABLE "webhook_delivery" ("id" uuid NOT NULL, "subscriptionId" uuid NOT NULL, "eventId" uuid NOT NULL, "msgId" text NOT NULL, "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "lastResponseCode" integer, "lastDurationMs" integer, "lastError" text, "lastAttemptAt" TIMESTAMP(3) WITH TIME ZONE, "nextAttemptAt" TIMESTAMP(3) WITH TIME ZONE, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "deliveredAt" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_webhook_delivery_created" ON "webhook_delivery"  ("createdAt") `);
    await queryRunner.query(`CREATE INDEX "ix_webhook_delivery_event" ON "webhook_delivery"  ("eventId") `);
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_delivery_subscription_created" ON "webhook_delivery"  ("subscriptionId", "createdAt", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_webhook_delivery_subscription_event" ON "webhook_delivery"  ("subscriptionId", "eventId") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_subscription_tier" ("subscriptionId" uuid NOT NULL, "tierId" uuid NOT NULL, CONSTRAINT "PK_99c03d2a83bec2bddd44514d0d4" PRIMARY KEY ("subscriptionId", "tierId"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_webhook_subscription_tier_tier" ON "webhook_subscription_tier"  ("tierId") `);
    await queryRunner.query(
      `ALTER TABLE "webhook_subscription" ADD CONSTRAINT "fk_webhook_subscription_createdById" FOREIGN KEY ("createdById") REFERENCES "user_account"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "fk_webhook_delivery_subscriptionId" FOREIGN KEY ("subscriptionId") REFERENCES "webhook_subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "fk_webhook_delivery_eventId" FOREIGN KEY ("eventId") REFERENCES "ticket_event"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_subscription_tier" ADD CONSTRAINT "fk_webhook_subscription_tier_subscriptionId" FOREIGN KEY ("subscriptionId") REFERENCES "webhook_subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_subscription_tier" ADD CONSTRAINT "fk_webhook_subscription_tier_tierId" FOREIGN KEY ("tierId") REFERENCES "tier"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_subscription_tier" DROP CONSTRAINT "fk_webhook_subscription_tier_tierId"`);
    await queryRunner.query(`ALTER TABLE "webhook_subscription_tier" DROP CONSTRAINT "fk_webhook_subscription_tier_subscriptionId"`);
    await queryRunner.query(`ALTER TABLE "webhook_delivery" DROP CONSTRAINT "fk_webhook_delivery_eventId"`);
    await queryRunner.query(`ALTER TABLE "webhook_delivery" DROP CONSTRAINT "fk_webhook_delivery_subscriptionId"`);
    await queryRunner.query(`ALTER TABLE "webhook_subscription" DROP CONSTRAINT "fk_webhook_subscription_createdById"`);
    await queryRunner.query(`DROP INDEX "ix_webhook_subscription_tier_tier"`);
    await queryRunner.query(`DROP TABLE "webhook_subscription_tier"`);
    await queryRunner.query(`DROP INDEX "uq_webhook_delivery_subscription_event"`);
    await queryRunner.query(`DROP INDEX "ix_webhook_delivery_subscription_created"`);
    await queryRunner.query(`DROP INDEX "ix_webhook_delivery_event"`);
    await queryRunner.query(`DROP INDEX "ix_webhook_delivery_created"`);
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP TYPE "webhook_delivery_status"`);
    await queryRunner.query(`DROP INDEX "ix_webhook_subscription_created"`);
    await queryRunner.query(`DROP INDEX "ix_webhook_subscription_created_by"`);
    await queryRunner.query(`DROP TABLE "webhook_subscription"`);
  }
}
