import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { enumOf } from '../common/graphql/enum-of.js';
import { Connection } from '../common/pagination/paginated.js';
import type { EmailMessageEntity } from './email-message.entity.js';
import { MAIL_NOTIFY_EVENTS, type MailNotifyEvent, type MailboxEntity } from './mailbox.entity.js';

export const MAIL_PROTOCOLS = ['imap', 'smtp'] as const;
export const MailProtocolEnum = enumOf(MAIL_PROTOCOLS);
registerEnumType(MailProtocolEnum, { name: 'MailProtocol' });
export const MAIL_OUTCOMES = ['ticket_created', 'reply_added', 'dropped'] as const;
export const MailOutcomeEnum = enumOf(MAIL_OUTCOMES);
registerEnumType(MailOutcomeEnum, { name: 'MailOutcome' });

const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;
const dateTime = { type: String, format: 'date-time', maxLength: 30 } as const;

/** How mail comes in. IMAP fields are null for `smtp`. */
@ObjectType('MailboxInbound')
export class MailboxInbound {
  @ApiProperty({ enum: MAIL_PROTOCOLS, enumName: 'MailProtocol' }) @Field(() => MailProtocolEnum) protocol!: 'imap' | 'smtp';
  @ApiProperty({ type: String, maxLength: 253, nullable: true }) @Field(() => String, { nullable: true }) host!: string | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 65535, nullable: true })
  @Field(() => Int, { nullable: true })
  port!: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) @Field(() => Boolean, { nullable: true }) secure!: boolean | null;
  @ApiProperty({ type: String, maxLength: 320, nullable: true }) @Field(() => String, { nullable: true }) username!: string | null;
  @ApiProperty({ type: String, maxLength: 200, nullable: true }) @Field(() => String, { nullable: true }) folder!: string | null;
  /** Whether a password is stored (it is never returned). */
  @ApiProperty({ description: 'Whether a password is stored (it is never returned)' }) @Field(() => Boolean) hasPassword!: boolean;
}

@ObjectType('MailboxOutbound')
export class MailboxOutbound {
  @ApiProperty({ maxLength: 253 }) @Field(() => String) host!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 65535 }) @Field(() => Int) port!: number;
  @ApiProperty() @Field(() => Boolean) secure!: boolean;
  @ApiProperty({ type: String, maxLength: 320, nullable: true }) @Field(() => String, { nullable: true }) username!: string | null;
  @ApiProperty({ type: String, maxLength: 400, nullable: true }) @Field(() => String, { nullable: true }) from!: string | null;
  /** Whether a password is stored (it is never returned). */
  @ApiProperty({ description: 'Whether a password is stored (it is never returned)' }) @Field(() => Boolean) hasPassword!: boolean;
}

/** A support address: mail to it becomes tickets and replies; replies on its tickets leave from it. */
@ObjectType('Mailbox')
export class Mailbox {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 320 }) @Field(() => String) address!: string;
  @ApiProperty({ maxLength: 100 }) @Field(() => String) name!: string;
  @ApiProperty({ ...uuid, nullable: true }) @Field(() => ID, { nullable: true }) tierId!: string | null;
  @ApiProperty({ type: MailboxInbound }) @Field(() => MailboxInbound) inbound!: MailboxInbound;
  @ApiProperty({ type: MailboxOutbound, nullable: true })
  @Field(() => MailboxOutbound, { nullable: true })
  outbound!: MailboxOutbound | null;
  @ApiProperty({ enum: MAIL_NOTIFY_EVENTS, enumName: 'MailNotifyEvent', isArray: true, maxItems: 4 })
  @Field(() => [String])
  notify!: MailNotifyEvent[];
  @ApiProperty() @Field(() => Boolean) active!: boolean;
  @ApiProperty({ ...dateTime, nullable: true }) @Field(() => GraphQLISODateTime, { nullable: true }) lastCheckedAt!: Date | null;
  @ApiProperty({ type: String, maxLength: 1000, nullable: true }) @Field(() => String, { nullable: true }) lastError!: string | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

/** One message of a mailbox's import log. */
@ObjectType('MailboxMessage')
export class MailboxMessage {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 998 }) @Field(() => String) messageId!: string;
  @ApiProperty({ type: String, maxLength: 320, nullable: true }) @Field(() => String, { nullable: true }) from!: string | null;
  @ApiProperty({ type: String, maxLength: 998, nullable: true }) @Field(() => String, { nullable: true }) subject!: string | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) receivedAt!: Date;
  @ApiProperty({ enum: MAIL_OUTCOMES, enumName: 'MailOutcome' }) @Field(() => MailOutcomeEnum) outcome!: (typeof MAIL_OUTCOMES)[number];
  /** Why it was dropped, or what of it was skipped (an attachment refused by the upload rules). */
  @ApiProperty({ type: String, maxLength: 2000, nullable: true, description: 'Why it was dropped, or which parts were skipped' })
  @Field(() => String, { nullable: true })
  reason!: string | null;
  @ApiProperty({ ...uuid, nullable: true }) @Field(() => ID, { nullable: true }) ticketId!: string | null;
}

@ObjectType('MailboxConnection')
export class MailboxConnection extends Connection(Mailbox) {}
@ObjectType('MailboxMessageConnection')
export class MailboxMessageConnection extends Connection(MailboxMessage) {}

export function toMailbox(m: MailboxEntity): Mailbox {
  const inbound = m.inbound;
  return {
    id: m.id,
    address: m.address,
    name: m.name,
    tierId: m.tierId,
    inbound:
      inbound.protocol === 'imap'
        ? { ...inbound, hasPassword: m.inboundPassword !== null }
        : { protocol: 'smtp', host: null, port: null, secure: null, username: null, folder: null, hasPassword: false },
    outbound: m.outbound
      ? {
          host: m.outbound.host,
          port: m.outbound.port,
          secure: m.outbound.secure,
          username: m.outbound.username,
          from: m.outbound.from,
          hasPassword: m.outboundPassword !== null,
        }
      : null,
    notify: m.notify,
    active: m.active,
    lastCheckedAt: m.lastCheckedAt,
    lastError: m.lastError,
    version: m.version,
  };
}

export function toMailboxMessage(m: EmailMessageEntity): MailboxMessage {
  return {
    id: m.id,
    messageId: m.messageId,
    from: m.from,
    subject: m.subject,
    receivedAt: m.receivedAt,
    outcome: m.status as MailboxMessage['outcome'],
    reason: m.reason,
    ticketId: m.ticketId,
  };
}
