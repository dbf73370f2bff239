import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import type { RoutingRuleEntity } from './routing-rule.entity.js';

/** Fills in each rule's `organizationIds` (routing_rule_organization), in the order they were given: one query for all. */
export async function withOrganizations<T extends RoutingRuleEntity>(em: EntityManager, rules: T[]): Promise<T[]> {
  const rows: { ruleId: string; ids: string[] }[] = rules.length
    ? await em.query(
        `SELECT "ruleId", array_agg("organizationId" ORDER BY position) AS ids FROM routing_rule_organization
         WHERE "ruleId" = ANY($1::uuid[]) GROUP BY "ruleId"`,
        [rules.map((rule) => rule.id)],
      )
    : [];
  const byRule = new Map(rows.map((row) => [row.ruleId, row.ids]));
  for (const rule of rules) rule.organizationIds = byRule.get(rule.id) ?? [];
  return rules;
}

/** Replaces a rule's organization list; 400 naming each entry that is no existing organization. */
export async function setOrganizations(em: EntityManager, rule: RoutingRuleEntity, ids: string[]): Promise<void> {
  if (ids.length) {
    const found: { id: string }[] = await em.query(`SELECT id FROM organization WHERE id = ANY($1::uuid[])`, [ids]);
    const known = new Set(found.map((row) => row.id));
    const missing = ids.flatMap((id, i) =>
      known.has(id) ? [] : [{ field: `conditions.organizationIds[${i}]`, message: `${id} is not an existing organization` }],
    );
    if (missing.length) throw DomainError.validation(missing);
  }
  await em.query(`DELETE FROM routing_rule_organization WHERE "ruleId" = $1`, [rule.id]);
  await em.query(
    `INSERT INTO routing_rule_organization ("ruleId", "organizationId", position)
     SELECT $1, u.id, u.n - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n)`,
    [rule.id, ids],
  );
  rule.organizationIds = ids;
}
