import { BeforeInsert, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';

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
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
