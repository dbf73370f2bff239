import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAIL_NOTIFY_EVENTS, type MailNotifyEvent } from '../mailbox.entity.js';
import { MailProtocolEnum } from '../mailbox.model.js';

const HOST = /^[A-Za-z0-9.-]{1,253}$|^\[?[0-9a-fA-F:.]{2,45}\]?$/;
const imap = (o: MailboxInboundInput) => o.protocol === 'imap';

/** How mail comes in: `imap` (Tierdesk polls the mailbox) or `smtp` (delivered to Tierdesk's SMTP_INBOUND_PORT). */
@InputType()
export class MailboxInboundInput {
  @ApiProperty({ enum: ['imap', 'smtp'], enumName: 'MailProtocol' })
  @Field(() => MailProtocolEnum)
  @IsIn(['imap', 'smtp'])
  protocol!: 'imap' | 'smtp';

  /** IMAP only. */
  @ApiPropertyOptional({ maxLength: 253, description: 'IMAP only (required there)' })
  @Field(() => String, { nullable: true })
  @ValidateIf(imap)
  @IsString()
  @Matches(HOST, { message: 'a host name or IP address' })
  host?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 65535, description: 'IMAP only (required there)' })
  @Field(() => Int, { nullable: true })
  @ValidateIf(imap)
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  /** TLS from the start (port 993); false: plain, upgraded with STARTTLS when the server offers it. */
  @ApiPropertyOptional({ description: 'IMAP only: TLS from the start (993); default true on port 993' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  secure?: boolean;

  @ApiPropertyOptional({ maxLength: 320, description: 'IMAP only (required there)' })
  @Field(() => String, { nullable: true })
  @ValidateIf(imap)
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  username?: string;

  /** Write-only: stored encrypted, never returned. Omitted on a change: the stored one stays. */
  @ApiPropertyOptional({ maxLength: 1000, writeOnly: true, description: 'Write-only: stored encrypted, never returned' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  password?: string;

  @ApiPropertyOptional({ maxLength: 200, default: 'INBOX', description: 'IMAP only' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  folder?: string;
}

/** The SMTP server replies leave through. */
@InputType()
export class MailboxOutboundInput {
  @ApiProperty({ maxLength: 253 })
  @Field(() => String)
  @IsString()
  @Matches(HOST, { message: 'a host name or IP address' })
  host!: string;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 65535 })
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  /** TLS from the start (465); false: STARTTLS when offered. Default true on port 465. */
  @ApiPropertyOptional({ description: 'TLS from the start (465); default true on port 465' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  secure?: boolean;

  @ApiPropertyOptional({ maxLength: 320 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  username?: string;

  /** Write-only: stored encrypted, never returned. Omitted on a change: the stored one stays. */
  @ApiPropertyOptional({ maxLength: 1000, writeOnly: true, description: 'Write-only: stored encrypted, never returned' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  password?: string;

  /** The From of outgoing mail, e.g. `Acme Support <support@acme.com>`; default: the mailbox's name and address. */
  @ApiPropertyOptional({ maxLength: 400, description: 'From of outgoing mail; default: the mailbox name and address' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  from?: string;
}

@InputType()
export class CreateMailboxInput {
  @ApiProperty({ maxLength: 320, example: 'support@example.com' })
  @Field(() => String)
  @IsEmail({ require_tld: false }, { message: 'an e-mail address' })
  @MaxLength(320)
  address!: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  /** The tier new tickets from this mailbox enter; omitted: routing rules and the first line decide. */
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, description: 'The tier new tickets from it enter' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUUID()
  tierId?: string | null;

  @ApiProperty({ type: MailboxInboundInput })
  @Field(() => MailboxInboundInput)
  @ValidateNested()
  @Type(() => MailboxInboundInput)
  inbound!: MailboxInboundInput;

  /** Null or omitted: replies are not mailed. */
  @ApiPropertyOptional({ type: MailboxOutboundInput, nullable: true, description: 'Null: replies are not mailed' })
  @Field(() => MailboxOutboundInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MailboxOutboundInput)
  outbound?: MailboxOutboundInput | null;

  /** Events mailed to the requester besides agents' public replies (which always are). Default: none. */
  @ApiPropertyOptional({ enum: MAIL_NOTIFY_EVENTS, enumName: 'MailNotifyEvent', isArray: true, maxItems: 4 })
  @Field(() => [String], { nullable: true, description: 'ticket.created, ticket.message_added, ticket.info_requested, ticket.solved' })
  @IsOptional()
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(MAIL_NOTIFY_EVENTS, { each: true })
  notify?: MailNotifyEvent[];

  @ApiPropertyOptional({ default: true })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** PATCH: given fields replace (`inbound` and `outbound` whole, but an omitted password keeps the stored one). */
@InputType()
export class UpdateMailboxInput {
  @ApiPropertyOptional({ maxLength: 320 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({ require_tld: false }, { message: 'an e-mail address' })
  @MaxLength(320)
  address?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUUID()
  tierId?: string | null;

  @ApiPropertyOptional({ type: MailboxInboundInput })
  @Field(() => MailboxInboundInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MailboxInboundInput)
  inbound?: MailboxInboundInput;

  @ApiPropertyOptional({ type: MailboxOutboundInput, nullable: true })
  @Field(() => MailboxOutboundInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MailboxOutboundInput)
  outbound?: MailboxOutboundInput | null;

  @ApiPropertyOptional({ enum: MAIL_NOTIFY_EVENTS, enumName: 'MailNotifyEvent', isArray: true, maxItems: 4 })
  @Field(() => [String], { nullable: true, description: 'ticket.created, ticket.message_added, ticket.info_requested, ticket.solved' })
  @IsOptional()
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(MAIL_NOTIFY_EVENTS, { each: true })
  notify?: MailNotifyEvent[];

  @ApiPropertyOptional()
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
