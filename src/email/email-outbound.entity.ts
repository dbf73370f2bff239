import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { TicketMessageEntity } from '../ticket-core/ticket-message.entity.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { MailboxEntity } from './mailbox.entity.js';

export const EMAIL_OUTBOUND_STATUSES = ['queued', 'sent', 'failed', 'bounced'] as const;
export type EmailOutboundStatus = (typeof EMAIL_OUTBOUND_STATUSES)[number];

/**
 * A mail Tierdesk sends about a ticket: written (queued) in the transaction of the change it tells about, with the
 * Message-ID it will carry, so threading finds "a message we sent" and a bounce can name it.
 */
@Entity('email_outbound')
@Index('uq_email_outbound_message_id', ['messageId'], { unique: true })
@Index('ix_email_outbound_ticket_created', ['ticketId', 'createdAt'])
export class EmailOutboundEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) mailboxId!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  @Column({ type: 'uuid', nullable: true }) ticketMessageId!: string | null;
  /** What it tells: `reply` (a public agent message) or a notify event (`ticket.created`, `ticket.solved`). */
  @Column({ type: 'text' }) event!: string;
  /** Without angle brackets. */
  @Column({ type: 'text' }) messageId!: string;
  @Column({ type: 'text', array: true, default: () => `'{}'` }) to!: string[];
  @Column({ type: 'text', array: true, default: () => `'{}'` }) cc!: string[];
  @Column({ type: 'text', default: 'queued' }) status!: EmailOutboundStatus;
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ type: 'text', nullable: true }) lastError!: string | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) sentAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;

  @ManyToOne(() => MailboxEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'mailboxId', foreignKeyConstraintName: 'fk_email_outbound_mailboxId' })
  mailbox?: never;
  @ManyToOne(() => TicketEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_email_outbound_ticketId' })
  ticket?: never;
  @ManyToOne(() => TicketMessageEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'ticketMessageId', foreignKeyConstraintName: 'fk_email_outbound_ticketMessageId' })
  ticketMessage?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
