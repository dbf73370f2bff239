import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { TierEntity } from './tier.entity.js';

/**
 * For rows that point at a tier (routing rules, SLA policies): 400 naming `field` unless the tier exists. The key-share
 * lock holds until the caller's transaction ends, so a concurrent tier delete (FOR UPDATE) either waits and then sees
 * the new reference, or wins first and this check fails: never a rule or policy pointing at a deleted tier.
 */
export async function assertTierReference(em: EntityManager, tierId: string, field = 'tierId'): Promise<void> {
  const tier = await em.findOne(TierEntity, { where: { id: tierId }, select: { id: true }, lock: { mode: 'for_key_share' } });
  if (!tier) throw DomainError.validation([{ field, message: `${field} is not an existing tier` }]);
}
