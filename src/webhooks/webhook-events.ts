/** The events a subscription may ask for (API.md "Events"); `*` is every one of them. */
export const WEBHOOK_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.status_changed',
  'ticket.assigned',
  'ticket.escalated',
  'ticket.de_escalated',
  'ticket.message_added',
  'ticket.attachment_added',
  'ticket.info_requested',
  'ticket.info_received',
  'sla.warning',
  'sla.breached',
] as const;
export const ALL_EVENTS = '*';
