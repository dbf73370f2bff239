import type { EntityManager } from 'typeorm';
import type { TicketPriority } from '../ticket-core/ticket-status.js';
import { SlaPolicyEntity } from './sla-policy.entity.js';

/**
 * The policy that applies to a ticket: the one for its priority and tier, else the one for its priority and no tier,
 * else null. One query: both candidates at once, the tier-specific one sorted first.
 */
export async function applicablePolicy(em: EntityManager, priority: TicketPriority, tierId: string): Promise<SlaPolicyEntity | null> {
  return em
    .getRepository(SlaPolicyEntity)
    .createQueryBuilder('p')
    .where('p.priority = :priority', { priority })
    .andWhere('(p."tierId" = :tierId OR p."tierId" IS NULL)', { tierId })
    .orderBy('p."tierId" IS NULL', 'ASC')
    .limit(1)
    .getOne();
}

/** `applicablePolicy` over policies already in memory (the intake catalog's). */
export function applicablePolicyIn(policies: readonly SlaPolicyEntity[], priority: TicketPriority, tierId: string): SlaPolicyEntity | null {
  return (
    policies.find((p) => p.priority === priority && p.tierId === tierId) ??
    policies.find((p) => p.priority === priority && p.tierId === null) ??
    null
  );
}
