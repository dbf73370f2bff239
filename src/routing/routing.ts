import type { TicketChannel, TicketPriority, TicketType } from '../ticket-core/ticket-status.js';
import type { RoutingRuleEntity } from './routing-rule.entity.js';

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
 * The first rule, in the given order (the intake catalog holds the active ones by position, createdAt, id), whose every
 * non-empty condition list matches the ticket; null when none does. An empty list matches anything; `tags` match when
 * the ticket carries any of them; a ticket without an organization matches no organization list (only an empty one).
 */
export function matchingRule(rules: readonly RoutingRuleEntity[], ticket: RoutableTicket): RoutingRuleEntity | null {
  const allows = <T>(list: readonly T[], value: T | null) => list.length === 0 || (value !== null && list.includes(value));
  return (
    rules.find(
      (rule) =>
        rule.active &&
        allows(rule.types, ticket.type) &&
        allows(rule.priorities, ticket.priority) &&
        allows(rule.channels, ticket.channel) &&
        (rule.tags.length === 0 || ticket.tags.some((tag) => rule.tags.includes(tag))) &&
        allows(rule.organizationIds, ticket.organizationId),
    ) ?? null
  );
}
