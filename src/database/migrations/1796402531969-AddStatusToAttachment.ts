import type { MigrationInterface, QueryRunner } from 'typeorm';

// Uploads insert their row before the bytes, as `pending`, and mark it `stored` once the bytes are all written. Rows
// already here were inserted after their bytes: they are stored. No default afterwards: every insert says which it is.
// The storage-key index serves the sweep, which looks up every key it finds in storage.
export class AddStatusToAttachment1796402531969 implements MigrationInterface {
  name = 'AddStatusToAttachment1796402531969';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "attachment" ADD "status" text NOT NULL DEFAULT 'stored'`);
    await queryRunner.query(`ALTER TABLE "attachment" ALTER COLUMN "status" DROP DEFAULT`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ix_attachment_storage_key" ON "attachment" ("storageKey")`);
    await queryRunner.query(`CREATE INDEX "ix_attachment_pending_created" ON "attachment" ("createdAt") WHERE "status" = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_attachment_pending_created"`);
    await queryRunner.query(`DROP INDEX "ix_attachment_storage_key"`);
    // Pending rows have no complete bytes; once the column is gone they would pass for stored ones.
    await queryRunner.query(`DELETE FROM "attachment" WHERE "status" = 'pending'`);
    await queryRunner.query(`ALTER TABLE "attachment" DROP COLUMN "status"`);
  }
}
