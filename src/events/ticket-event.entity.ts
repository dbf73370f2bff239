import { BeforeInsert, Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * The audit trail and the event stream in one: every change of a ticket, written in the same transaction as the
 * change. `sequence` orders a ticket's events; `position` orders all events and is the subscription resume cursor.
 */
@Entity('ticket_event')
@Index('uq_ticket_event_ticket_sequence', ['ticketId', 'sequence'], { unique: true })
export class TicketEventEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index('uq_ticket_event_position', { unique: true }) @Column({ type: 'bigint' }) @Generated('increment') position!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  @Column({ type: 'int' }) sequence!: number;
  /** e.g. ticket.created, ticket.status_changed, ticket.message_added */
  @Column({ type: 'text' }) type!: string;
  /** null when the system acted (jobs, automatic escalation). */
  @Column({ type: 'uuid', nullable: true }) actorId!: string | null;
  @Column({ type: 'jsonb', nullable: true }) before!: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) after!: Record<string, unknown> | null;
  /** About an internal note: reaches agents and admins only. */
  @Column({ type: 'boolean', default: false }) internal!: boolean;
  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' }) at!: Date;

  // For the foreign keys only, never loaded. The audit trail keeps its actors: a user it names cannot be deleted.
  // Named by table: the ticket core writes events, so the event does not import the ticket back.
  @ManyToOne('ticket', { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_ticket_event_ticketId' })
  ticket?: never;
  @ManyToOne(() => UserEntity, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actorId', foreignKeyConstraintName: 'fk_ticket_event_actorId' })
  actor?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
