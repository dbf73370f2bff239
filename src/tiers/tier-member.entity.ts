import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';
import { TierEntity } from './tier.entity.js';

/** An agent's membership of a tier; an agent may sit in several tiers and sees their tickets. */
@Entity('tier_member')
@Index('ix_tier_member_user', ['userId'])
export class TierMemberEntity {
  @PrimaryColumn({ type: 'uuid' }) tierId!: string;
  @PrimaryColumn({ type: 'uuid' }) userId!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;

  // For the foreign keys only, never loaded: a membership goes with its tier or its user.
  @ManyToOne(() => TierEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tierId', foreignKeyConstraintName: 'fk_tier_member_tierId' })
  tier?: never;
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'fk_tier_member_userId' })
  user?: never;
}
