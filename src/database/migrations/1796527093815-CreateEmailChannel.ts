import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEmailChannel1796527093815 implements MigrationInterface {
  name = 'CreateEmailChannel1796527093815';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "mailbox" ("id" uuid NOT NULL, "address" text NOT NULL, "name" text NOT NULL, "tierId" uuid, "inbound" jsonb NOT NULL, "inboundPassword" text, "outbound" jsonb, "outboundPassword" text, "notify" text array NOT NULL DEFAULT '{}', "active" boolean NOT NULL DEFAULT true, "lastCheckedAt" TIMESTAMP(3) WITH TIME ZONE, "lastError" text, "imapUidValidity" bigint, "imapLastUid" bigint NOT NULL DEFAULT '0', "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_f7191e7ca96ddaeebb57e58650f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_mailbox_created" ON "mailbox"  ("createdAt", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_mailbox_address" ON "mailbox"  ("address") `);
    await queryRunner.query(
      `CREATE TABLE "email_message" ("id" uuid NOT NULL, "mailboxId" uuid NOT NULL, "messageId" text NOT NULL, "from" text, "to" text array NOT NULL DEFAULT '{}', "cc" text array NOT NULL DEFAULT '{}', "subject" text, "inReplyTo" text, "references" text array NOT NULL DEFAULT '{}', "receivedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "raw" bytea, "status" text NOT NULL DEFAULT 'received', "reason" text, "ticketId" uuid, "ticketMessageId" uuid, "attempts" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_9fe3a0a31f2ffe66dd976851792" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_email_message_ticket" ON "email_message"  ("ticketId") `);
    await queryRunner.query(`CREATE INDEX "ix_email_message_received" ON "email_message"  ("receivedAt") WHERE "status" = 'received'`);
    await queryRunner.query(`CREATE INDEX "ix_email_message_message_id" ON "email_message"  ("messageId") `);
    await queryRunner.query(`CREATE INDEX "ix_email_message_mailbox_received" ON "email_message"  ("mailboxId", "receivedAt", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_email_message_mailbox_message_id" ON "email_message"  ("mailboxId", "messageId") `);
    await queryRunner.query(
      `CREATE TABLE "email_outbound" ("id" uuid NOT NULL, "mailboxId" uuid NOT NULL, "ticketId" uuid NOT NULL, "ticketMessageId" uuid, "event" text NOT NULL, "messageId" text NOT NULL, "to" text array NOT NULL DEFAULT '{}', "cc" text array NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'queued', "attempts" integer NOT NULL DEFAULT '0', "lastError" text, "sentAt" TIMESTAMP(3) WITH TIME ZONE, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_baa647062eb4c020ca9fd5fe701" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_email_outbound_ticket_created" ON "email_outbound"  ("ticketId", "createdAt") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_email_outbound_message_id" ON "email_outbound"  ("messageId") `);
    await queryRunner.query(`ALTER TABLE "ticket_message" ADD "email" jsonb`);
    // The sender of a mail is found by address, whatever its case.
    await queryRunner.query(`CREATE INDEX "ix_user_account_email_lower" ON "user_account" (lower("email"))`);
    await queryRunner.query(
      `ALTER TABLE "mailbox" ADD CONSTRAINT "fk_mailbox_tierId" FOREIGN KEY ("tierId") REFERENCES "tier"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "email_message" ADD CONSTRAINT "fk_email_message_mailboxId" FOREIGN KEY ("mailboxId") REFERENCES "mailbox"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "email_message" ADD CONSTRAINT "fk_email_message_ticketId" FOREIGN KEY ("ticketId") REFERENCES "ticket"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "email_message" ADD CONSTRAINT "fk_email_message_ticketMessageId" FOREIGN KEY ("ticketMessageId") REFERENCES "ticket_message"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "email_outbound" ADD CONSTRAINT "fk_email_outbound_mailboxId" FOREIGN KEY ("mailboxId") REFERENCES "mailbox"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "email_outbound" ADD CONSTRAINT "fk_email_outbound_ticketId" FOREIGN KEY ("ticketId") REFERENCES "ticket"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "email_outbound" ADD CONSTRAINT "fk_email_outbound_ticketMessageId" FOREIGN KEY ("ticketMessageId") REFERENCES "ticket_message"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "email_outbound" DROP CONSTRAINT "fk_email_outbound_ticketMessageId"`);
    await queryRunner.query(`ALTER TABLE "email_outbound" DROP CONSTRAINT "fk_email_outbound_ticketId"`);
    await queryRunner.query(`ALTER TABLE "email_outbound" DROP CONSTRAINT "fk_email_outbound_mailboxId"`);
    await queryRunner.query(`ALTER TABLE "email_message" DROP CONSTRAINT "fk_email_message_ticketMessageId"`);
    await queryRunner.query(`ALTER TABLE "email_message" DROP CONSTRAINT "fk_email_message_ticketId"`);
    await queryRunner.query(`ALTER TABLE "email_message" DROP CONSTRAINT "fk_email_message_mailboxId"`);
    await queryRunner.query(`ALTER TABLE "mailbox" DROP CONSTRAINT "fk_mailbox_tierId"`);
    await queryRunner.query(`DROP INDEX "ix_user_account_email_lower"`);
    await queryRunner.query(`ALTER TABLE "ticket_message" DROP COLUMN "email"`);
    await queryRunner.query(`DROP INDEX "uq_email_outbound_message_id"`);
    await queryRunner.query(`DROP INDEX "ix_email_outbound_ticket_created"`);
    await queryRunner.query(`DROP TABLE "email_outbound"`);
    await queryRunner.query(`DROP INDEX "uq_email_message_mailbox_message_id"`);
    await queryRunner.query(`DROP INDEX "ix_email_message_mailbox_received"`);
    await queryRunner.query(`DROP INDEX "ix_email_message_message_id"`);
    await queryRunner.query(`DROP INDEX "ix_email_message_received"`);
    await queryRunner.query(`DROP INDEX "ix_email_message_ticket"`);
    await queryRunner.query(`DROP TABLE "email_message"`);
    await queryRunner.query(`DROP INDEX "uq_mailbox_address"`);
    await queryRunner.query(`DROP INDEX "ix_mailbox_created"`);
    await queryRunner.query(`DROP TABLE "mailbox"`);
  }
}
