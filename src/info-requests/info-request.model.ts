import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import {
  INFO_ITEM_KINDS,
  INFO_REQUEST_STATUSES,
  type InfoItemKind,
  type InfoRequestEntity,
  type InfoRequestStatus,
} from './info-request.entity.js';
import { enumOf } from '../common/graphql/enum-of.js';

export const InfoItemKindEnum = enumOf(INFO_ITEM_KINDS);
export const InfoRequestStatusEnum = enumOf(INFO_REQUEST_STATUSES);
registerEnumType(InfoItemKindEnum, { name: 'InfoItemKind' });
registerEnumType(InfoRequestStatusEnum, { name: 'InfoRequestStatus' });

const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;
const dateTime = { type: String, format: 'date-time', maxLength: 30 } as const;

@ObjectType('InfoItemAnswer')
export class InfoItemAnswer {
  @ApiProperty({ type: String, maxLength: 20_000, nullable: true }) @Field(() => String, { nullable: true }) text!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: 20 })
  @Field(() => [ID])
  attachmentIds!: string[];
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) answeredAt!: Date;
  @ApiProperty(uuid) @Field(() => ID) answeredBy!: string;
}

@ObjectType('InfoItem')
export class InfoItem {
  @ApiProperty({ maxLength: 50 }) @Field(() => String) key!: string;
  @ApiProperty({ enum: INFO_ITEM_KINDS, enumName: 'InfoItemKind' }) @Field(() => InfoItemKindEnum) kind!: InfoItemKind;
  @ApiProperty({ maxLength: 200 }) @Field(() => String) label!: string;
  @ApiProperty() @Field(() => Boolean) required!: boolean;
  @ApiProperty({ type: InfoItemAnswer, nullable: true }) @Field(() => InfoItemAnswer, { nullable: true }) answer!: InfoItemAnswer | null;
}

@ObjectType('InfoRequest')
export class InfoRequest {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty(uuid) @Field(() => ID) ticketId!: string;
  @ApiProperty({ maxLength: 10_000 }) @Field(() => String) message!: string;
  @ApiProperty({ enum: INFO_REQUEST_STATUSES, enumName: 'InfoRequestStatus' })
  @Field(() => InfoRequestStatusEnum)
  status!: InfoRequestStatus;
  @ApiProperty({ type: [InfoItem], maxItems: 20 }) @Field(() => [InfoItem]) items!: InfoItem[];
  @ApiProperty(uuid) @Field(() => ID) createdById!: string;
  @ApiProperty({ ...uuid, nullable: true, description: 'The public message that carried the request' })
  @Field(() => ID, { nullable: true })
  messageId!: string | null;
  @ApiProperty({ ...dateTime, nullable: true }) @Field(() => GraphQLISODateTime, { nullable: true }) fulfilledAt!: Date | null;
  @ApiProperty({ ...dateTime, nullable: true }) @Field(() => GraphQLISODateTime, { nullable: true }) remindedAt!: Date | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

export function toInfoRequest(r: InfoRequestEntity): InfoRequest {
  return {
    id: r.id,
    ticketId: r.ticketId,
    message: r.message,
    status: r.status,
    createdById: r.createdById,
    messageId: r.messageId,
    items: r.items.map((i) => ({ ...i, answer: i.answer ? { ...i.answer, answeredAt: new Date(i.answer.answeredAt) } : null })),
    fulfilledAt: r.fulfilledAt,
    remindedAt: r.remindedAt,
    createdAt: r.createdAt,
    version: r.version,
  };
}

/** An InfoRequest back from an idempotent replay's stored JSON. */
export function reviveInfoRequest(r: InfoRequest): InfoRequest {
  return {
    ...r,
    createdAt: new Date(r.createdAt),
    fulfilledAt: r.fulfilledAt ? new Date(r.fulfilledAt) : null,
    remindedAt: r.remindedAt ? new Date(r.remindedAt) : null,
    items: r.items.map((i) => ({ ...i, answer: i.answer ? { ...i.answer, answeredAt: new Date(i.answer.answeredAt) } : null })),
  };
}
