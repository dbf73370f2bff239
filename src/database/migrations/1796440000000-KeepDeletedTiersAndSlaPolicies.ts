import type { MigrationInterface, QueryRunner } from 'typeorm';

// The references history makes: a ticket's tier and SLA policy, an escalation's two tiers, a clock's policy. A closed
// ticket, an escalation record or a running clock outlives the tier or policy it names, so those are deleted softly
// ("deletedAt"): the row stays for the keys, hidden from every read, and its name or scope is free again.
const KEYS = [
  { table: 'ticket', column: 'tierId', parent: 'tier' },
  { table: 'ticket_escalation', column: 'fromTierId', parent: 'tier' },
  { table: 'ticket_escalation', column: 'toTierId', parent: 'tier' },
  { table: 'ticket', column: 'slaPolicyId', parent: 'sla_policy' },
  { table: 'sla_clock', column: 'policyId', parent: 'sla_policy' },
];
const nameOf = (key: { table: string; column: string }) => `fk_${key.table}_${key.column}`;
const NO_TIER = `'00000000-0000-0000-0000-000000000000'::uuid`;
/** Ids the given table's references name that no row has: deleted before this migration, when deletes were hard. */
const missing = (parent: string) => {
  const named = KEYS.filter((k) => k.parent === parent).map((k) => `SELECT "${k.column}" AS id FROM "${k.table}"`);
  return `SELECT DISTINCT r.id FROM (${named.join(' UNION ')}) r
          WHERE r.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "${parent}" p WHERE p.id = r.id)`;
};

export class KeepDeletedTiersAndSlaPolicies1796440000000 implements MigrationInterface {
  name = 'KeepDeletedTiersAndSlaPolicies1796440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tier" ADD "deletedAt" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "sla_policy" ADD "deletedAt" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`DROP INDEX "uq_tier_name"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_tier_name" ON "tier" ("name") WHERE "deletedAt" IS NULL`);
    await queryRunner.query(`DROP INDEX "uq_sla_policy_scope"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_sla_policy_scope" ON "sla_policy" ("priority", (coalesce("tierId", ${NO_TIER}))) WHERE "deletedAt" IS NULL`,
    );
    // What was deleted before comes back as a deleted row, so the history that names it keeps its id and its key.
    await queryRunner.query(
      `INSERT INTO "tier" (id, name, level, version, "deletedAt")
       SELECT m.id, 'Deleted tier ' || m.id, coalesce((SELECT max(t."escalationLevel") FROM "ticket" t WHERE t."tierId" = m.id), 1), 1, now()
       FROM (${missing('tier')}) m`,
    );
    await queryRunner.query(
      `INSERT INTO "sla_policy" (id, name, priority, "firstResponseMinutes", "resolutionMinutes", version, "deletedAt")
       SELECT m.id, 'Deleted SLA policy ' || m.id, 'normal',
              coalesce((SELECT max(c."targetMinutes") FROM "sla_clock" c WHERE c."policyId" = m.id AND c.metric = 'first_response'), 1),
              coalesce((SELECT max(c."targetMinutes") FROM "sla_clock" c WHERE c."policyId" = m.id AND c.metric = 'resolution'), 1),
              1, now()
       FROM (${missing('sla_policy')}) m`,
    );
    for (const key of KEYS) {
      await queryRunner.query(
        `ALTER TABLE "${key.table}" ADD CONSTRAINT "${nameOf(key)}" FOREIGN KEY ("${key.column}") REFERENCES "${key.parent}"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const key of [...KEYS].reverse()) await queryRunner.query(`ALTER TABLE "${key.table}" DROP CONSTRAINT "${nameOf(key)}"`);
    // Before this migration a delete was a delete: deleted rows go, their ids stay behind in the history as before.
    await queryRunner.query(`DELETE FROM "sla_policy" WHERE "deletedAt" IS NOT NULL`);
    await queryRunner.query(`DELETE FROM "tier" WHERE "deletedAt" IS NOT NULL`);
    await queryRunner.query(`DROP INDEX "uq_sla_policy_scope"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_sla_policy_scope" ON "sla_policy" ("priority", (coalesce("tierId", ${NO_TIER})))`);
    await queryRunner.query(`DROP INDEX "uq_tier_name"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_tier_name" ON "tier" ("name")`);
    await queryRunner.query(`ALTER TABLE "sla_policy" DROP COLUMN "deletedAt"`);
    await queryRunner.query(`ALTER TABLE "tier" DROP COLUMN "deletedAt"`);
  }
}
