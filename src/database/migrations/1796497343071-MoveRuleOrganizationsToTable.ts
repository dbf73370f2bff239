import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A routing rule's organizations move from an array (which no foreign key can check) to a row each. A listed id that no
 * organization has stops the migration, changing nothing: dropping it could empty the list, and an empty list matches
 * every ticket.
 */
export class MoveRuleOrganizationsToTable1796497343071 implements MigrationInterface {
  name = 'MoveRuleOrganizationsToTable1796497343071';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "routing_rule_organization" ("ruleId" uuid NOT NULL, "organizationId" uuid NOT NULL, "position" integer NOT NULL, CONSTRAINT "PK_c67546dd9a0dccd166a979d00d0" PRIMARY KEY ("ruleId", "organizationId"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_routing_rule_organization_organization" ON "routing_rule_organization"  ("organizationId") `);
    const orphans: { id: string; name: string }[] = await queryRunner.query(
      `SELECT r.id, r.name FROM routing_rule r WHERE EXISTS (SELECT 1 FROM unnest(r."organizationIds") o(id) WHERE NOT EXISTS (SELECT 1 FROM organization g WHERE g.id = o.id))`,
    );
    if (orphans.length) {
      throw new Error(
        `Cannot move routing rules' organizations under foreign keys; nothing was changed. These rules name organizations that do not exist:\n  ${orphans.map((r) => `${r.name} (${r.id})`).join('\n  ')}\n` +
          `Take those ids out of their conditions.organizationIds, then run the migrations again.`,
      );
    }
    await queryRunner.query(
      `INSERT INTO "routing_rule_organization" ("ruleId", "organizationId", "position")
       SELECT r.id, o.id, o.n - 1 FROM routing_rule r, unnest(r."organizationIds") WITH ORDINALITY AS o(id, n)`,
    );
    await queryRunner.query(`ALTER TABLE "routing_rule" DROP COLUMN "organizationIds"`);
    // The intake catalog (routing rules among it) reloads when any of its tables changes.
    await queryRunner.query(
      `CREATE TRIGGER "routing_rule_organization_intake_catalog" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "routing_rule_organization" FOR EACH STATEMENT EXECUTE FUNCTION "intake_catalog_changed"()`,
    );
    await queryRunner.query(
      `ALTER TABLE "routing_rule_organization" ADD CONSTRAINT "fk_routing_rule_organization_ruleId" FOREIGN KEY ("ruleId") REFERENCES "routing_rule"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "routing_rule_organization" ADD CONSTRAINT "fk_routing_rule_organization_organizationId" FOREIGN KEY ("organizationId") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "routing_rule_organization_intake_catalog" ON "routing_rule_organization"`);
    await queryRunner.query(`ALTER TABLE "routing_rule_organization" DROP CONSTRAINT "fk_routing_rule_organization_organizationId"`);
    await queryRunner.query(`ALTER TABLE "routing_rule_organization" DROP CONSTRAINT "fk_routing_rule_organization_ruleId"`);
    await queryRunner.query(`ALTER TABLE "routing_rule" ADD "organizationIds" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `UPDATE routing_rule r SET "organizationIds" = o.ids
       FROM (SELECT "ruleId", array_agg("organizationId" ORDER BY position) AS ids FROM routing_rule_organization GROUP BY "ruleId") o
       WHERE o."ruleId" = r.id`,
    );
    await queryRunner.query(`DROP INDEX "ix_routing_rule_organization_organization"`);
    await queryRunner.query(`DROP TABLE "routing_rule_organization"`);
  }
}
