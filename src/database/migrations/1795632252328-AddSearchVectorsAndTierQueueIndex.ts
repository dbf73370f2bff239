import type { MigrationInterface, QueryRunner } from 'typeorm';

// Search moves from expression indexes (the text re-parsed for every row a query checks, and no statistics for the
// planner) to stored tsvector columns; the staff vector holds public text and notes, so staff search is one index.
// TypeORM keeps a generated column's expression in typeorm_metadata, keyed by the database it runs in.
const PUBLIC = `to_tsvector('english'::regconfig, "searchPublicText") || to_tsvector('russian'::regconfig, "searchPublicText")`;
const STAFF = `to_tsvector('english'::regconfig, ("searchPublicText" || ' ' || "searchInternalText")) || to_tsvector('russian'::regconfig, ("searchPublicText" || ' ' || "searchInternalText"))`;
const METADATA = `INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), 'ticket', 'GENERATED_COLUMN', $1, $2)`;
const FORGET = `DELETE FROM "typeorm_metadata" WHERE "database" = current_database() AND "table" = 'ticket' AND "type" = 'GENERATED_COLUMN' AND "name" = $1`;

export class AddSearchVectorsAndTierQueueIndex1795632252328 implements MigrationInterface {
  name = 'AddSearchVectorsAndTierQueueIndex1795632252328';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_ticket_search_public"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_search_internal"`);
    await queryRunner.query(`ALTER TABLE "ticket" ADD "searchPublic" tsvector GENERATED ALWAYS AS (${PUBLIC}) STORED NOT NULL`);
    await queryRunner.query(METADATA, ['searchPublic', PUBLIC]);
    await queryRunner.query(`ALTER TABLE "ticket" ADD "searchStaff" tsvector GENERATED ALWAYS AS (${STAFF}) STORED NOT NULL`);
    await queryRunner.query(METADATA, ['searchStaff', STAFF]);
    // A fuller list of frequent words (default target 100) lets the planner see that a word missing from it is rare.
    await queryRunner.query(
      `ALTER TABLE "ticket" ALTER COLUMN "searchPublic" SET STATISTICS 1000, ALTER COLUMN "searchStaff" SET STATISTICS 1000`,
    );
    await queryRunner.query(`CREATE INDEX "ix_ticket_search_public" ON "ticket" USING gin ("searchPublic")`);
    await queryRunner.query(`CREATE INDEX "ix_ticket_search_staff" ON "ticket" USING gin ("searchStaff")`);
    // A tier's queue by SLA deadline: small tiers no longer walk every tier's tickets in deadline order.
    await queryRunner.query(
      `CREATE INDEX "ix_ticket_tier_sla_due" ON "ticket" ("tierId", (coalesce("slaDueAt", 'infinity'::timestamptz)), "id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_ticket_tier_sla_due"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_search_staff"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_search_public"`);
    await queryRunner.query(FORGET, ['searchStaff']);
    await queryRunner.query(`ALTER TABLE "ticket" DROP COLUMN "searchStaff"`);
    await queryRunner.query(FORGET, ['searchPublic']);
    await queryRunner.query(`ALTER TABLE "ticket" DROP COLUMN "searchPublic"`);
    await queryRunner.query(
      `CREATE INDEX "ix_ticket_search_internal" ON "ticket" USING gin ((to_tsvector('english', "searchInternalText") || to_tsvector('russian', "searchInternalText")))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_ticket_search_public" ON "ticket" USING gin ((to_tsvector('english', "searchPublicText") || to_tsvector('russian', "searchPublicText")))`,
    );
  }
}
