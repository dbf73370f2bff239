import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { UserEntity } from '../users/user.entity.js';
import { TicketEntity } from './ticket.entity.js';

/** Where a message came in by e-mail (or left by it): the headers that thread it. Addresses are lower-case. */
export interface MessageEmail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  inReplyTo: string | null;
}

export const MESSAGE_VISIBILITIES = ['public', 'internal'] as const;
export type MessageVisibility = (typeof MESSAGE_VISIBILITIES)[number];

/** A public reply or an internal note (never shown to customers, anywhere). */
@Entity('ticket_message')
@Index('ix_ticket_message_ticket_created', ['ticketId', 'createdAt', 'id'])
export class TicketMessageEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  @Column({ type: 'uuid' }) authorId!: string;
  @Column({ type: 'enum', enum: MESSAGE_VISIBILITIES, enumName: 'message_visibility' }) visibility!: MessageVisibility;
  @Column({ type: 'text' }) body!: string;
  /** Knowledge-base articles the agent linked in this message (kept with their keys in kb_article_link). */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` }) kbArticleIds!: string[];
  /** Set on messages that came in by e-mail. */
  @Column({ type: 'jsonb', nullable: true }) email!: MessageEmail | null;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;

  // For the foreign keys only, never loaded.
  @ManyToOne(() => TicketEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_ticket_message_ticketId' })
  ticket?: never;
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'authorId', foreignKeyConstraintName: 'fk_ticket_message_authorId' })
  author?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
