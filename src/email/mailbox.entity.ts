import {
  BeforeInsert,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { TierEntity } from '../tiers/tier.entity.js';

export const MAIL_NOTIFY_EVENTS = ['ticket.created', 'ticket.message_added', 'ticket.info_requested', 'ticket.solved'] as const;
export type MailNotifyEvent = (typeof MAIL_NOTIFY_EVENTS)[number];

/** How mail reaches a mailbox: an IMAP account Tierdesk polls, or SMTP delivery straight to Tierdesk. */
export type InboundSettings =
  { protocol: 'imap'; host: string; port: number; secure: boolean; username: string; folder: string } | { protocol: 'smtp' };

/** The SMTP server replies leave through; null: the mailbox only takes mail in. */
export interface OutboundSettings {
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  from: string | null;
}

/**
 * A support address. Passwords are sealed (common/secrets) and never leave the service; the IMAP position
 * (UIDVALIDITY, last UID seen) lets the poller fetch only what is new.
 */
@Entity('mailbox')
@Index('uq_mailbox_address', ['address'], { unique: true })
@Index('ix_mailbox_created', ['createdAt', 'id'])
export class MailboxEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** Stored lower-case; unique. */
  @Column({ type: 'text' }) address!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'uuid', nullable: true }) tierId!: string | null;
  @Column({ type: 'jsonb' }) inbound!: InboundSettings;
  @Column({ type: 'text', nullable: true }) inboundPassword!: string | null;
  @Column({ type: 'jsonb', nullable: true }) outbound!: OutboundSettings | null;
  @Column({ type: 'text', nullable: true }) outboundPassword!: string | null;
  @Column({ type: 'text', array: true, default: () => `'{}'` }) notify!: MailNotifyEvent[];
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) lastCheckedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) lastError!: string | null;
  @Column({ type: 'bigint', nullable: true }) imapUidValidity!: string | null;
  @Column({ type: 'bigint', default: 0 }) imapLastUid!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  @ManyToOne(() => TierEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'tierId', foreignKeyConstraintName: 'fk_mailbox_tierId' })
  tier?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}

/** Every mailbox's address: mail from one is our own (a loop), and none is copied on the mail we send. */
export async function mailboxAddresses(db: Pick<EntityManager, 'query'>): Promise<Set<string>> {
  const rows: { address: string }[] = await db.query(`SELECT address FROM mailbox`);
  return new Set(rows.map((r) => r.address));
}
