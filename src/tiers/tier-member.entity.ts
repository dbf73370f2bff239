import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An agent's membership of a tier; an agent may sit in several tiers and sees their tickets. */
@Entity('tier_member')
@Index('ix_tier_member_user', ['userId'])
export class TierMemberEntity {
  @PrimaryColumn({ type: 'uuid' }) tierId!: string;
  @PrimaryColumn({ type: 'uuid' }) userId!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
}
