import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { enumOf } from '../common/graphql/enum-of.js';
import { ATTACHMENT_KINDS, type AttachmentEntity, type AttachmentKind } from './attachment.entity.js';

export const AttachmentKindEnum = enumOf(ATTACHMENT_KINDS);
registerEnumType(AttachmentKindEnum, { name: 'AttachmentKind' });

const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;

@ObjectType('Attachment')
export class Attachment {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty(uuid) @Field(() => ID) ticketId!: string;
  @ApiProperty({ ...uuid, nullable: true, description: 'The message carrying it; null until attached' })
  @Field(() => ID, { nullable: true })
  messageId!: string | null;
  @ApiProperty({ maxLength: 200, description: "The client's name, sanitised (display only)" }) @Field(() => String) filename!: string;
  @ApiProperty({ maxLength: 100, description: 'Sniffed from the bytes' }) @Field(() => String) contentType!: string;
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) @Field(() => Number) size!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', maxLength: 64 }) @Field(() => String) sha256!: string;
  @ApiProperty({ enum: ATTACHMENT_KINDS, enumName: 'AttachmentKind' }) @Field(() => AttachmentKindEnum) kind!: AttachmentKind;
  @ApiProperty({ type: 'integer', format: 'int32', nullable: true, minimum: 1, maximum: 2147483647, description: 'Images only' })
  @Field(() => Int, { nullable: true })
  width!: number | null;
  @ApiProperty({ type: 'integer', format: 'int32', nullable: true, minimum: 1, maximum: 2147483647, description: 'Images only' })
  @Field(() => Int, { nullable: true })
  height!: number | null;
  @ApiProperty({ type: String, format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) createdAt!: Date;
}

export function toAttachment(a: AttachmentEntity): Attachment {
  return {
    id: a.id,
    ticketId: a.ticketId,
    messageId: a.messageId,
    filename: a.filename,
    contentType: a.contentType,
    size: Number(a.size),
    sha256: a.sha256,
    kind: a.kind,
    width: a.width,
    height: a.height,
    createdAt: a.createdAt,
  };
}

/** What an upload answers: one file → the attachment; several → `{ data, nextCursor: null }`. */
export function toUploadResponse(rows: AttachmentEntity[]): Attachment | { data: Attachment[]; nextCursor: null } {
  const created = rows.map(toAttachment);
  return created.length === 1 ? created[0] : { data: created, nextCursor: null };
}
