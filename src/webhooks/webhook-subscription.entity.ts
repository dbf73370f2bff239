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
import { newId } from '../common/ids.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * Where events go: an http(s) URL, the event types it wants (or `*`), an optional filter on the ticket's tier and
 * priority. The signing secret is stored encrypted (it must be usable for signing); during a rotation the previous one
 * signs too, until `previousSecretExpiresAt`.
 */
@Entity('webhook_subscription')
@Index('ix_webhook_subscription_created', ['createdAt', 'id'])
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) url!: string;
  @Column({ type: 'text', array: true }) events!: string[];
  /** Empty: any priority. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) priorities!: string[];
  @Column({ type: 'boolean', default: true }) active!: boolean;
  /** Off: events about internal notes are never sent to this target. */
  @Column({ type: 'boolean', default: false }) includeInternal!: boolean;
  @Column({ type: 'text', select: false }) secretEncrypted!: string;
  @Column({ type: 'text', nullable: true, select: false }) previousSecretEncrypted!: string | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) previousSecretExpiresAt!: Date | null;
  /** Why the service turned it off (`gone`: the target answered 410; `failing`: every attempt failed for 24 h). */
  @Column({ type: 'text', nullable: true }) disabledReason!: string | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) disabledAt!: Date | null;
  /** The first failed attempt since the last success; null while healthy. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) failingSince!: Date | null;
  @Column({ type: 'uuid' }) createdById!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  // For the foreign key only, never loaded. Users are deactivated, not deleted.
  @Index('ix_webhook_subscription_created_by')
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'createdById', foreignKeyConstraintName: 'fk_webhook_subscription_createdById' })
  createdBy?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
