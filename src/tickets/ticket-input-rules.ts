import type { EntityManager } from 'typeorm';
import { DomainError, type FieldError } from '../common/errors/domain-error.js';
import { UserEntity } from '../users/user.entity.js';
import type { TicketEntity } from '../ticket-core/ticket.entity.js';

/** Refuses (403) any field outside `allowed`, naming each. */
export function assertOnly(input: object, allowed: Set<string>, what: string): void {
  const refused: FieldError[] = Object.entries(input)
    .filter(([field, value]) => value !== undefined && !allowed.has(field))
    .map(([field]) => ({ field, message: `${what} ${field}` }));
  if (refused.length) throw new DomainError('FORBIDDEN', `Not allowed: ${refused.map((e) => e.field).join(', ')}`, refused);
}

/** Only an active person on the staff takes tickets. */
export async function assertAssignable(em: EntityManager, userId: string): Promise<void> {
  const user = await em.findOneBy(UserEntity, { id: userId });
  if (!user || !user.active || user.role === 'customer' || user.kind !== 'person') {
    throw DomainError.validation([{ field: 'assigneeId', message: 'assigneeId must be an active agent or admin' }]);
  }
}

/** What the `ticket.created` event keeps of a new ticket (the insert adds its number). */
export function createdSnapshot(
  t: Pick<TicketEntity, 'subject' | 'priority' | 'type' | 'channel' | 'requesterId' | 'organizationId' | 'tierId' | 'assigneeId' | 'tags'>,
): Record<string, unknown> {
  return {
    subject: t.subject,
    status: 'new',
    priority: t.priority,
    type: t.type,
    channel: t.channel,
    requesterId: t.requesterId,
    organizationId: t.organizationId,
    tierId: t.tierId,
    assigneeId: t.assigneeId,
    tags: t.tags,
  };
}
