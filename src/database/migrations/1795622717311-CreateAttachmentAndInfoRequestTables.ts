import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAttachmentAndInfoRequestTables1795622717311 implements MigrationInterface {
  name = 'CreateAttachmentAndInfoRequestTables1795622717311';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "attachment" ("id" uuid NOT NULL, "ticketId" uuid NOT NULL, "messageId" uuid, "infoRequestId" uuid, "uploaderId" uuid NOT NULL, "filename" text NOT NULL, "contentType" text NOT NULL, "size" bigint NOT NULL, "sha256" text NOT NULL, "kind" text NOT NULL, "width" integer, "height" integer, "storageKey" text NOT NULL, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d2a80c3a8d467f08a750ac4b420" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_attachment_unattached_created" ON "attachment"  ("createdAt") WHERE "messageId" IS NULL AND "infoRequestId" IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX "ix_attachment_message" ON "attachment"  ("messageId") `);
    await queryRunner.query(`CREATE INDEX "ix_attachment_ticket_created" ON "attachment"  ("ticketId", "createdAt", "id") `);
    await queryRunner.query(
      `CREATE TABLE "info_request" ("id" uuid NOT NULL, "ticketId" uuid NOT NULL, "message" text NOT NULL, "items" jsonb NOT NULL, "status" text NOT NULL DEFAULT 'open', "createdById" uuid NOT NULL, "messageId" uuid, "fulfilledAt" TIMESTAMP(3) WITH TIME ZONE, "remindedAt" TIMESTAMP(3) WITH TIME ZONE, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_7235a2ff30d471e9940be7d7d75" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_info_request_open" ON "info_request"  ("createdAt") WHERE status = 'open'`);
    await queryRunner.query(`CREATE INDEX "ix_info_request_ticket_created" ON "info_request"  ("ticketId", "createdAt", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_info_request_ticket_created"`);
    await queryRunner.query(`DROP INDEX "ix_info_request_open"`);
    await queryRunner.query(`DROP TABLE "info_request"`);
    await queryRunner.query(`DROP INDEX "ix_attachment_ticket_created"`);
    await queryRunner.query(`DROP INDEX "ix_attachment_message"`);
    await queryRunner.query(`DROP INDEX "ix_attachment_unattached_created"`);
    await queryRunner.query(`DROP TABLE "attachment"`);
  }
}
