import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { rejectNulls } from '../common/validation/reject-nulls.js';
import { assertTierReference } from '../tiers/tier-reference.js';
import type { CreateRoutingRuleInput, RoutingConditionsInput, UpdateRoutingRuleInput } from './dto/routing-rule.input.js';
import { RoutingRuleEntity } from './routing-rule.entity.js';
import { setOrganizations, withOrganizations } from './rule-organizations.js';
import { writeTransaction } from '../database/unit-of-work.js';

const MAX_POSITION = 1_000_000;
const CONDITION_LISTS = ['types', 'priorities', 'channels', 'tags', 'organizationIds'] as const;
type ConditionList = (typeof CONDITION_LISTS)[number];

/** The order rules are tried in (see matchingRule, routing.ts), backed by ix_routing_rule_position. */
export const ROUTING_RULE_KEYSET: KeysetColumn<RoutingRuleEntity>[] = [
  { expression: 'r.position', direction: 'ASC', value: (r) => r.position, cast: '::int' },
  { expression: 'r."createdAt"', direction: 'ASC', value: (r) => r.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'r.id', direction: 'ASC', value: (r) => r.id, cast: '::uuid' },
];

/**
 * Admin configuration of where new tickets go; the matching itself is `matchingRule` (routing.ts). Ids reach here
 * unchecked from GraphQL: one that is not a UUID cannot exist, so it is a 404 rather than a failed cast (500).
 */
@Injectable()
export class RoutingRulesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(actor: Actor, page: { limit: number; cursor?: string | null }): Promise<Page<RoutingRuleEntity>> {
    assertRole(actor, 'admin');
    const found = await paginate(this.dataSource.getRepository(RoutingRuleEntity).createQueryBuilder('r'), ROUTING_RULE_KEYSET, page);
    await withOrganizations(this.dataSource.manager, found.data);
    return found;
  }

  async findOne(actor: Actor, id: string): Promise<RoutingRuleEntity> {
    assertRole(actor, 'admin');
    const rule = isUUID(id) ? await this.dataSource.getRepository(RoutingRuleEntity).findOneBy({ id }) : null;
    if (!rule) throw DomainError.notFound('Routing rule');
    await withOrganizations(this.dataSource.manager, [rule]);
    return rule;
  }

  async create(actor: Actor, input: CreateRoutingRuleInput): Promise<RoutingRuleEntity> {
    assertRole(actor, 'admin');
    return writeTransaction(this.dataSource, actor, async (em) => {
      await assertTierReference(em, input.tierId);
      const position = input.position ?? (await this.positionAfterLast(em));
      const { organizationIds, ...lists } = conditionColumns(input.conditions, true);
      const rule = await em.save(
        em.create(RoutingRuleEntity, { name: input.name, position, active: input.active ?? true, tierId: input.tierId, ...lists }),
      );
      await setOrganizations(em, rule, organizationIds ?? []);
      return rule;
    });
  }

  /** Merge-patch: given fields replace; in `conditions` each given list replaces its list, null clears (matches anything). */
  async update(actor: Actor, id: string, input: UpdateRoutingRuleInput, expectedVersion?: number | null): Promise<RoutingRuleEntity> {
    assertRole(actor, 'admin');
    rejectNulls(input, ['name', 'position', 'active', 'tierId']);
    return this.dataSource.transaction(async (em) => {
      const rule = isUUID(id) ? await em.findOne(RoutingRuleEntity, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!rule) throw DomainError.notFound('Routing rule');
      assertVersion(expectedVersion, rule.version);
      const { conditions, ...fields } = input;
      if (fields.tierId !== undefined && fields.tierId !== rule.tierId) await assertTierReference(em, fields.tierId);
      const [current] = await withOrganizations(em, [rule]);
      const { organizationIds, ...lists } = conditions === undefined ? {} : conditionColumns(conditions, false);
      Object.assign(rule, fields, lists);
      const organizationsChange = organizationIds !== undefined && organizationIds.join() !== current.organizationIds.join();
      // A change of the list alone is a change of the rule: its row is written, so its version and updatedAt move.
      if (organizationsChange) rule.updatedAt = new Date();
      const saved = await em.save(rule);
      if (organizationsChange) await setOrganizations(em, saved, organizationIds);
      saved.organizationIds = organizationIds ?? current.organizationIds;
      return saved;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    assertRole(actor, 'admin');
    const { affected } = isUUID(id) ? await this.dataSource.getRepository(RoutingRuleEntity).delete({ id }) : { affected: 0 };
    if (!affected) throw DomainError.notFound('Routing rule');
  }

  // Concurrent creates may pick the same position; createdAt and id still give them a stable order.
  private async positionAfterLast(em: EntityManager): Promise<number> {
    const [{ next }] = await em.query(`SELECT coalesce(max(position) + 1, 0)::int AS next FROM routing_rule`);
    return Math.min(next, MAX_POSITION);
  }
}

/** Condition columns from an input: given lists as they are, null as empty; omitted lists empty only when `fillOmitted`. */
function conditionColumns(
  conditions: RoutingConditionsInput | null | undefined,
  fillOmitted: boolean,
): Partial<Pick<RoutingRuleEntity, ConditionList>> {
  const columns: Partial<Record<ConditionList, string[]>> = {};
  for (const key of CONDITION_LISTS) {
    const value = conditions === null ? null : conditions?.[key];
    if (value !== undefined || fillOmitted) columns[key] = value ?? [];
  }
  return columns as Partial<Pick<RoutingRuleEntity, ConditionList>>;
}
