import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdempotencyKeyTable1795610576718 implements MigrationInterface {
  name = 'CreateIdempotencyKeyTable1795610576718';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_key" ("scope" text NOT NULL, "key" text NOT NULL, "fingerprint" text NOT NULL, "responseStatus" integer, "responseBody" jsonb, "responseHeaders" jsonb, "lockedUntil" TIMESTAMP WITH TIME ZONE NOT NULL, "expiresAt" TIMESTAMP WITH TIME ZONE NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2738e797ef2c60d9a902bad976a" PRIMARY KEY ("scope", "key"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_idempotency_key_expires_at" ON "idempotency_key"  ("expiresAt") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_idempotency_key_expires_at"`);
    await queryRunner.query(`DROP TABLE "idempotency_key"`);
  }
}
