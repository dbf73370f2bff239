import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';

/** A tier a subscription is limited to (a row each, under foreign keys); no rows: every tier. */
@Entity('webhook_subscription_tier')
@Index('ix_webhook_subscription_tier_tier', ['tierId'])
export class WebhookSubscriptionTierEntity {
  @PrimaryColumn({ type: 'uuid' }) subscriptionId!: string;
  @PrimaryColumn({ type: 'uuid' }) tierId!: string;

  // For the foreign keys only, never loaded. Deleted tiers are kept (deletedAt); a row goes only with its tier or subscription.
  @ManyToOne(() => WebhookSubscriptionEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscriptionId', foreignKeyConstraintName: 'fk_webhook_subscription_tier_subscriptionId' })
  subscription?: never;
  @ManyToOne('tier', { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tierId', foreignKeyConstraintName: 'fk_webhook_subscription_tier_tierId' })
  tier?: never;
}
