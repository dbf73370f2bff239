import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdentityTables1795612043391 implements MigrationInterface {
  name = 'CreateIdentityTables1795612043391';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "api_key_role" AS ENUM('agent', 'admin')`);
    await queryRunner.query(
      `CREATE TABLE "api_key" ("id" uuid NOT NULL, "name" text NOT NULL, "role" "api_key_role" NOT NULL, "prefix" text NOT NULL, "secretHash" text NOT NULL, "userId" uuid NOT NULL, "createdById" uuid NOT NULL, "expiresAt" TIMESTAMP WITH TIME ZONE, "lastUsedAt" TIMESTAMP WITH TIME ZONE, "revokedAt" TIMESTAMP WITH TIME ZONE, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_key_secret_hash" ON "api_key"  ("secretHash") `);
    await queryRunner.query(`CREATE INDEX "ix_api_key_created" ON "api_key"  ("createdAt", "id") `);
    await queryRunner.query(
      `CREATE TABLE "organization" ("id" uuid NOT NULL, "key" text NOT NULL, "name" text NOT NULL, "shareTickets" boolean NOT NULL DEFAULT false, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_organization_key" ON "organization"  ("key") `);
    await queryRunner.query(`CREATE TYPE "user_kind" AS ENUM('person', 'service')`);
    await queryRunner.query(`CREATE TYPE "user_role" AS ENUM('customer', 'agent', 'admin')`);
    await queryRunner.query(`CREATE TYPE "user_role_source" AS ENUM('token', 'admin')`);
    await queryRunner.query(
      `CREATE TABLE "user_account" ("id" uuid NOT NULL, "externalId" text NOT NULL, "kind" "user_kind" NOT NULL DEFAULT 'person', "role" "user_role" NOT NULL DEFAULT 'customer', "roleSource" "user_role_source" NOT NULL DEFAULT 'token', "email" text, "name" text, "organizationId" uuid, "active" boolean NOT NULL DEFAULT true, "deactivatedAt" TIMESTAMP WITH TIME ZONE, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_6acfec7285fdf9f463462de3e9f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_user_account_external_id" ON "user_account"  ("externalId") `);
    await queryRunner.query(`CREATE INDEX "ix_user_account_organization" ON "user_account"  ("organizationId") `);
    await queryRunner.query(`CREATE INDEX "ix_user_account_role_created" ON "user_account"  ("role", "createdAt", "id") `);
    await queryRunner.query(
      `ALTER TABLE "user_account" ADD CONSTRAINT "FK_2703e7d301d0f8f160ac3efdd73" FOREIGN KEY ("organizationId") REFERENCES "organization"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_account" DROP CONSTRAINT "FK_2703e7d301d0f8f160ac3efdd73"`);
    await queryRunner.query(`DROP INDEX "ix_user_account_role_created"`);
    await queryRunner.query(`DROP INDEX "ix_user_account_organization"`);
    await queryRunner.query(`DROP INDEX "uq_user_account_external_id"`);
    await queryRunner.query(`DROP TABLE "user_account"`);
    await queryRunner.query(`DROP TYPE "user_role_source"`);
    await queryRunner.query(`DROP TYPE "user_role"`);
    await queryRunner.query(`DROP TYPE "user_kind"`);
    await queryRunner.query(`DROP INDEX "uq_organization_key"`);
    await queryRunner.query(`DROP TABLE "organization"`);
    await queryRunner.query(`DROP INDEX "ix_api_key_created"`);
    await queryRunner.query(`DROP INDEX "uq_api_key_secret_hash"`);
    await queryRunner.query(`DROP TABLE "api_key"`);
    await queryRunner.query(`DROP TYPE "api_key_role"`);
  }
}
