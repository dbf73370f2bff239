import { registerEnumType } from '@nestjs/graphql';
import { MESSAGE_VISIBILITIES } from './ticket-message.entity.js';
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from './ticket-status.js';
import { enumOf } from '../common/graphql/enum-of.js';

export const TicketStatusEnum = enumOf(TICKET_STATUSES);
export const TicketPriorityEnum = enumOf(TICKET_PRIORITIES);
export const TicketTypeEnum = enumOf(TICKET_TYPES);
export const TicketChannelEnum = enumOf(TICKET_CHANNELS);
export const MessageVisibilityEnum = enumOf(MESSAGE_VISIBILITIES);
export const SlaMetricEnum = enumOf(['first_response', 'resolution'] as const);

registerEnumType(TicketStatusEnum, { name: 'TicketStatus' });
registerEnumType(TicketPriorityEnum, { name: 'TicketPriority' });
registerEnumType(TicketTypeEnum, { name: 'TicketType' });
registerEnumType(TicketChannelEnum, { name: 'TicketChannel' });
registerEnumType(MessageVisibilityEnum, { name: 'MessageVisibility' });
registerEnumType(SlaMetricEnum, { name: 'SlaMetric' });
