import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TicketEventEntity } from './ticket-event.entity.js';

/** One row per committed event still to hand to the dispatcher (subscriptions now; webhooks and SLA jobs later). */
@Entity('outbox')
@Index('ix_outbox_unpublished', ['id'], { where: '"publishedAt" IS NULL' })
// Serves the foreign key: deleting an event finds its outbox row through this, not by scanning the outbox.
@Index('ix_outbox_event', ['eventId'])
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'uuid' }) eventId!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) publishedAt!: Date | null;

  // For the foreign key only, never loaded.
  @ManyToOne(() => TicketEventEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'eventId', foreignKeyConstraintName: 'fk_outbox_eventId' })
  event?: never;
}
