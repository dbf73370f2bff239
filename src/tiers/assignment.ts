import type { EntityManager } from 'typeorm';
import type { TierEntity } from './tier.entity.js';

// "Load" counts every ticket still being worked; a fresh ticket is `new` until someone touches it, and leaving those
// out would hand a burst of new tickets all to the same agent.
const WORKING_STATUSES = `('new', 'open', 'pending', 'on_hold')`;

/**
 * Who gets a ticket entering `tier`, by the tier's strategy: null for manual tiers and tiers without active agents
 * (people only: an API key's service identity may be a member, to see the tier's tickets, but is never handed work).
 * The tier row is locked (and the round-robin cursor bumped) first, so tickets entering the same tier at the same time
 * take turns until their transactions commit: a rotation never skips or doubles, and load counts include each other.
 */
export async function assignInTier(em: EntityManager, tier: TierEntity): Promise<string | null> {
  if (tier.assignment === 'manual') return null;
  const [[{ cursor }]] = await em.query(
    `UPDATE tier SET "assignmentCursor" = "assignmentCursor" + 1 WHERE id = $1 RETURNING "assignmentCursor" AS cursor`,
    [tier.id],
  );
  if (tier.assignment === 'round_robin') {
    const agents: { id: string }[] = await em.query(
      `SELECT u.id FROM tier_member m JOIN user_account u ON u.id = m."userId"
       WHERE m."tierId" = $1 AND u.active AND u.role <> 'customer' AND u.kind = 'person' ORDER BY u.id`,
      [tier.id],
    );
    return agents.length ? agents[(Number(cursor) - 1) % agents.length].id : null;
  }
  const [least]: { id: string }[] = await em.query(
    `SELECT u.id FROM tier_member m JOIN user_account u ON u.id = m."userId"
     LEFT JOIN LATERAL (SELECT count(*) AS load FROM ticket t WHERE t."assigneeId" = u.id AND t.status IN ${WORKING_STATUSES}) l ON true
     WHERE m."tierId" = $1 AND u.active AND u.role <> 'customer' AND u.kind = 'person' ORDER BY l.load, u.id LIMIT 1`,
    [tier.id],
  );
  return least?.id ?? null;
}
