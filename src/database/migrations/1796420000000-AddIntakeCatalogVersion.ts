import type { MigrationInterface, QueryRunner } from 'typeorm';

// Ticket creation keeps the tiers, routing rules and SLA policies in memory (they change rarely, and reading them cost
// three statements per create). This counter moves on every change to those tables, whoever makes it (the API, a
// migration, a psql session), and the create's insert checks it in the same statement: a create never uses a stale
// copy. Round-robin turns (`assignmentCursor`) are not a change of the catalog.
export class AddIntakeCatalogVersion1796420000000 implements MigrationInterface {
  name = 'AddIntakeCatalogVersion1796420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "intake_catalog" ("version" bigint NOT NULL, "single" boolean PRIMARY KEY DEFAULT true CHECK ("single"))`,
    );
    await queryRunner.query(`INSERT INTO "intake_catalog" ("version") VALUES (1)`);
    await queryRunner.query(
      `CREATE FUNCTION "intake_catalog_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN UPDATE "intake_catalog" SET "version" = "version" + 1; RETURN NULL; END $$`,
    );
    for (const table of ['tier', 'routing_rule', 'sla_policy']) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_intake_catalog" AFTER INSERT OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "intake_catalog_changed"()`,
      );
    }
    for (const table of ['routing_rule', 'sla_policy']) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_intake_catalog_update" AFTER UPDATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "intake_catalog_changed"()`,
      );
    }
    await queryRunner.query(
      `CREATE TRIGGER "tier_intake_catalog_update" AFTER UPDATE ON "tier" FOR EACH ROW
       WHEN ((to_jsonb(OLD) - 'assignmentCursor') IS DISTINCT FROM (to_jsonb(NEW) - 'assignmentCursor'))
       EXECUTE FUNCTION "intake_catalog_changed"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['tier', 'routing_rule', 'sla_policy']) {
      await queryRunner.query(`DROP TRIGGER "${table}_intake_catalog" ON "${table}"`);
      await queryRunner.query(`DROP TRIGGER "${table}_intake_catalog_update" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "intake_catalog_changed"()`);
    await queryRunner.query(`DROP TABLE "intake_catalog"`);
  }
}
