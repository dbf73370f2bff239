import type { EntityManager } from 'typeorm';
import type { TicketChannel, TicketPriority, TicketType } from '../tickets/ticket-status.js';
import { RoutingRuleEntity } from './routing-rule.entity.js';

/** What routing looks at on a new ticket. */
export interface RoutableTicket {
  type: TicketType;
  priority: TicketPriority;
  channel: TicketChannel;
  tags: string[];
  /** The requester's organization. */
  organizationId: string | null;
}

/**
 * The first active rule, by (position, createdAt, id), whose every non-empty condition list matches the ticket; null
 * when none does. An empty list matches anything; `tags` match when the ticket carries any of them. Matched in SQL
 * (LIMIT 1) so ticket creation stays one round trip however many rules there are, and no rule is loaded to be skipped.
 */
export async function routeNewTicket(em: EntityManager, ticket: RoutableTicket): Promise<RoutingRuleEntity | null> {
  return em
    .getRepository(RoutingRuleEntity)
    .createQueryBuilder('r')
    .where('r.active')
    .andWhere('(cardinality(r.types) = 0 OR :type = ANY(r.types))', { type: ticket.type })
    .andWhere('(cardinality(r.priorities) = 0 OR :priority = ANY(r.priorities))', { priority: ticket.priority })
    .andWhere('(cardinality(r.channels) = 0 OR :channel = ANY(r.channels))', { channel: ticket.channel })
    .andWhere('(cardinality(r.tags) = 0 OR r.tags && :tags::text[])', { tags: ticket.tags })
    // A ticket without an organization compares NULL, which matches no organization list (only an empty one).
    .andWhere('(cardinality(r."organizationIds") = 0 OR :organizationId::uuid = ANY(r."organizationIds"))', { organizationId: ticket.organizationId })
    .orderBy('r.position', 'ASC')
    .addOrderBy('r."createdAt"', 'ASC')
    .addOrderBy('r.id', 'ASC')
    .limit(1)
    .getOne();
}
