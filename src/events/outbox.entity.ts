import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per committed event still to hand to the dispatcher (subscriptions now; webhooks and SLA jobs later). */
@Entity('outbox')
@Index('ix_outbox_unpublished', ['id'], { where: '"publishedAt" IS NULL' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'uuid' }) eventId!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) publishedAt!: Date | null;
}
