import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { TicketEventEntity } from '../events/ticket-event.entity.js';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'disabled'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One event for one subscription, with its attempts so far. Unique per (subscription, event): handing the same event
 * over twice creates no second delivery. `msgId` is the `webhook-id` header, the same on every attempt and replay.
 */
@Entity('webhook_delivery')
@Index('uq_webhook_delivery_subscription_event', ['subscriptionId', 'eventId'], { unique: true })
@Index('ix_webhook_delivery_subscription_created', ['subscriptionId', 'createdAt', 'id'])
@Index('ix_webhook_delivery_event', ['eventId'])
@Index('ix_webhook_delivery_created', ['createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) subscriptionId!: string;
  @Column({ type: 'uuid' }) eventId!: string;
  @Column({ type: 'text' }) msgId!: string;
  @Column({ type: 'enum', enum: WEBHOOK_DELIVERY_STATUSES, enumName: 'webhook_delivery_status', default: 'pending' })
  status!: WebhookDeliveryStatus;
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ type: 'int', nullable: true }) lastResponseCode!: number | null;
  @Column({ type: 'int', nullable: true }) lastDurationMs!: number | null;
  /** A short reason (timeout, refused address, HTTP status); never the response body. */
  @Column({ type: 'text', nullable: true }) lastError!: string | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) lastAttemptAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) nextAttemptAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) deliveredAt!: Date | null;

  // For the foreign keys only, never loaded. A delivery goes with its subscription, and with its event.
  @ManyToOne(() => WebhookSubscriptionEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscriptionId', foreignKeyConstraintName: 'fk_webhook_delivery_subscriptionId' })
  subscription?: never;
  @ManyToOne(() => TicketEventEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'eventId', foreignKeyConstraintName: 'fk_webhook_delivery_eventId' })
  event?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
