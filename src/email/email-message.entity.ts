import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { TicketMessageEntity } from '../ticket-core/ticket-message.entity.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { MailboxEntity } from './mailbox.entity.js';

export const EMAIL_MESSAGE_STATUSES = ['received', 'ticket_created', 'reply_added', 'dropped'] as const;
export type EmailMessageStatus = (typeof EMAIL_MESSAGE_STATUSES)[number];

/**
 * One message taken in for a mailbox: the import log and the dedupe (one row per mailbox and Message-ID). The raw bytes
 * are held from receipt until the import commits, then cleared.
 */
@Entity('email_message')
@Index('uq_email_message_mailbox_message_id', ['mailboxId', 'messageId'], { unique: true })
@Index('ix_email_message_mailbox_received', ['mailboxId', 'receivedAt', 'id'])
@Index('ix_email_message_message_id', ['messageId'])
@Index('ix_email_message_ticket', ['ticketId'])
@Index('ix_email_message_received', ['receivedAt'], { where: `"status" = 'received'` })
export class EmailMessageEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) mailboxId!: string;
  /** Without a Message-ID header: `<sha256 of the raw message>@tierdesk.invalid`. Stored without angle brackets. */
  @Column({ type: 'text' }) messageId!: string;
  @Column({ type: 'text', nullable: true }) from!: string | null;
  @Column({ type: 'text', array: true, default: () => `'{}'` }) to!: string[];
  @Column({ type: 'text', array: true, default: () => `'{}'` }) cc!: string[];
  @Column({ type: 'text', nullable: true }) subject!: string | null;
  @Column({ type: 'text', nullable: true }) inReplyTo!: string | null;
  @Column({ type: 'text', array: true, default: () => `'{}'` }) references!: string[];
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) receivedAt!: Date;
  @Column({ type: 'bytea', nullable: true, select: false }) raw!: Buffer | null;
  @Column({ type: 'text', default: 'received' }) status!: EmailMessageStatus;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'uuid', nullable: true }) ticketId!: string | null;
  @Column({ type: 'uuid', nullable: true }) ticketMessageId!: string | null;
  @Column({ type: 'int', default: 0 }) attempts!: number;

  @ManyToOne(() => MailboxEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'mailboxId', foreignKeyConstraintName: 'fk_email_message_mailboxId' })
  mailbox?: never;
  @ManyToOne(() => TicketEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_email_message_ticketId' })
  ticket?: never;
  @ManyToOne(() => TicketMessageEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'ticketMessageId', foreignKeyConstraintName: 'fk_email_message_ticketMessageId' })
  ticketMessage?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
