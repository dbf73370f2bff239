import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Connection } from '../common/pagination/paginated.js';
import { TICKET_PRIORITIES } from '../ticket-core/ticket-status.js';
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryEntity, type WebhookDeliveryStatus } from './webhook-delivery.entity.js';
import type { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';

export const WebhookDeliveryStatusEnum = { pending: 'pending', succeeded: 'succeeded', failed: 'failed', disabled: 'disabled' } as const;
registerEnumType(WebhookDeliveryStatusEnum, { name: 'WebhookDeliveryStatus' });

const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;
const dateTime = { type: String, format: 'date-time', maxLength: 30 } as const;
const nullableDateTime = { ...dateTime, nullable: true } as const;

@ObjectType('Webhook')
export class Webhook {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ format: 'uri', maxLength: 2000 }) @Field(() => String) url!: string;
  /** Event types sent, or `*` for all. */
  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: [ALL_EVENTS, ...WEBHOOK_EVENT_TYPES] },
    maxItems: 20,
    description: 'Event types sent, or `*` for all',
  })
  @Field(() => [String], { description: 'Event types sent, or `*` for all.' })
  events!: string[];
  /** Only events of tickets in these tiers; empty: every tier. */
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 50,
    description: 'Only events of tickets in these tiers; empty: every tier',
  })
  @Field(() => [ID], { description: 'Only events of tickets in these tiers; empty: every tier.' })
  tierIds!: string[];
  /** Only events of tickets with these priorities; empty: any. */
  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: [...TICKET_PRIORITIES] },
    maxItems: 4,
    description: 'Only these priorities; empty: any',
  })
  @Field(() => [String], { description: 'Only events of tickets with these priorities; empty: any.' })
  priorities!: string[];
  @ApiProperty() @Field(() => Boolean) active!: boolean;
  /** Whether events about internal notes are sent; off for customer-facing targets. */
  @ApiProperty({ description: 'Whether events about internal notes are sent; off for customer-facing targets' })
  @Field(() => Boolean, { description: 'Whether events about internal notes are sent; off for customer-facing targets.' })
  includeInternal!: boolean;
  /** Why the service turned it off: `gone` (the target answered 410) or `failing` (24 h of failed attempts). */
  @ApiProperty({ type: String, nullable: true, enum: ['gone', 'failing'], description: 'gone (410) or failing (24 h of failures)' })
  @Field(() => String, { nullable: true, description: 'Why the service turned it off: gone (410) or failing (24 h of failures).' })
  disabledReason!: string | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) disabledAt!: Date | null;
  /** Since when every attempt has failed; null while healthy. */
  @ApiProperty({ ...nullableDateTime, description: 'Since when every attempt has failed; null while healthy' })
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Since when every attempt has failed; null while healthy.' })
  failingSince!: Date | null;
  /** While a rotated-out secret still signs (two signatures per delivery). */
  @ApiProperty({ ...nullableDateTime, description: 'Until when the previous secret still signs, after a rotation' })
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Until when the previous secret still signs, after a rotation.' })
  previousSecretExpiresAt!: Date | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

/** Creation and rotation: the only responses that carry the secret. */
@ObjectType('WebhookWithSecret')
export class WebhookWithSecret extends Webhook {
  /** Shown once; null on an idempotent replay (the replay record never holds secrets). */
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 100,
    pattern: '^whsec_[A-Za-z0-9+/=]{32}$',
    description: 'The signing secret: shown once, store it now. Null on an idempotent replay.',
  })
  @Field(() => String, { nullable: true, description: 'The signing secret: shown once. Null on an idempotent replay.' })
  secret!: string | null;
}

@ObjectType('WebhookDelivery')
export class WebhookDelivery {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty(uuid) @Field(() => ID) subscriptionId!: string;
  @ApiProperty(uuid) @Field(() => ID) eventId!: string;
  /** The `webhook-id` header: the same on every attempt and replay. */
  @ApiProperty({ maxLength: 36, pattern: '^msg_[0-9a-f]{32}$', description: 'The webhook-id header: the same on every attempt and replay' })
  @Field(() => String, { description: 'The webhook-id header: the same on every attempt and replay.' })
  webhookId!: string;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus' })
  @Field(() => WebhookDeliveryStatusEnum)
  status!: WebhookDeliveryStatus;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 1000 }) @Field(() => Int) attempts!: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 100, maximum: 599, nullable: true })
  @Field(() => Int, { nullable: true })
  lastResponseCode!: number | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 600000, nullable: true })
  @Field(() => Int, { nullable: true })
  lastDurationMs!: number | null;
  /** Why the last attempt failed (timeout, refused address, HTTP status); never the response body. */
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 200,
    pattern: '^(HTTP [0-9]{3}|timed out .*|refused target: .*|connection failed.*)$',
    description: 'Why the last attempt failed; never the response body',
  })
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed; never the response body.' })
  lastError!: string | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) lastAttemptAt!: Date | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) nextAttemptAt!: Date | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) deliveredAt!: Date | null;
}

@ObjectType('WebhookConnection')
export class WebhookConnection extends Connection(Webhook) {}
@ObjectType('WebhookDeliveryConnection')
export class WebhookDeliveryConnection extends Connection(WebhookDelivery) {}

export type SubscriptionWithTiers = WebhookSubscriptionEntity & { tierIds: string[] };

export function toWebhook(s: SubscriptionWithTiers): Webhook {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    tierIds: s.tierIds,
    priorities: s.priorities,
    active: s.active,
    includeInternal: s.includeInternal,
    disabledReason: s.disabledReason,
    disabledAt: s.disabledAt,
    failingSince: s.failingSince,
    previousSecretExpiresAt: s.previousSecretExpiresAt,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    version: s.version,
  };
}

export function toWebhookDelivery(d: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    webhookId: d.msgId,
    status: d.status,
    attempts: d.attempts,
    lastResponseCode: d.lastResponseCode,
    lastDurationMs: d.lastDurationMs,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt,
    nextAttemptAt: d.nextAttemptAt,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  };
}

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** An idempotent replay's stored JSON back into a response (dates revived). */
export function webhookFromJson(w: WebhookWithSecret): WebhookWithSecret {
  return {
    ...w,
    disabledAt: date(w.disabledAt),
    failingSince: date(w.failingSince),
    previousSecretExpiresAt: date(w.previousSecretExpiresAt),
    createdAt: new Date(w.createdAt),
    updatedAt: new Date(w.updatedAt),
  };
}

export function deliveryFromJson(d: WebhookDelivery): WebhookDelivery {
  return {
    ...d,
    lastAttemptAt: date(d.lastAttemptAt),
    nextAttemptAt: date(d.nextAttemptAt),
    createdAt: new Date(d.createdAt),
    deliveredAt: date(d.deliveredAt),
  };
}
