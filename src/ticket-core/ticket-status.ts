import { DomainError } from '../common/errors/domain-error.js';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_TYPES = ['question', 'incident', 'problem', 'change_request', 'complaint'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const TICKET_CHANNELS = ['web', 'email', 'chat', 'phone', 'api'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

/**
 * The one place that says which status moves are legal. `closed` is final: a follow-up is a new ticket
 * (`followUpOfId`). A customer's public reply reopens pending/solved tickets (see `statusAfterCustomerReply`).
 */
const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

export function canMove(from: TicketStatus, to: TicketStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (from !== to && !canMove(from, to)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `A ticket cannot move from ${from} to ${to}${from === 'closed' ? ': closed is final, open a follow-up' : ''}`,
    );
  }
}

/** A customer's public reply brings a ticket back to the agents: pending/solved (and new, once seen) become open. */
export function statusAfterCustomerReply(status: TicketStatus): TicketStatus {
  return status === 'pending' || status === 'solved' ? 'open' : status;
}

/** An agent's first public reply starts the work: a new ticket becomes open. */
export function statusAfterAgentReply(status: TicketStatus): TicketStatus {
  return status === 'new' ? 'open' : status;
}
