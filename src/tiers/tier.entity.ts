import {
  BeforeInsert,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { newId } from '../common/ids.js';

export const HANDOFF_FIELDS = ['summary', 'stepsToReproduce', 'environment', 'attachments'] as const;
export type HandoffField = (typeof HANDOFF_FIELDS)[number];
export const ASSIGNMENT_STRATEGIES = ['manual', 'round_robin', 'least_loaded'] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];

/** A support level: 1 is the first line; several tiers may share a level (developers, sysadmins, consultants). */
@Entity('tier')
@Index('ix_tier_level', ['level', 'createdAt', 'id'])
export class TierEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index('uq_tier_name', { unique: true, where: '"deletedAt" IS NULL' }) @Column({ type: 'text' }) name!: string;
  @Column({ type: 'int' }) level!: number;
  @Column({ type: 'text', default: '' }) description!: string;
  /** The default next tier up for escalations. */
  @Column({ type: 'uuid', nullable: true }) escalationTargetId!: string | null;
  /** What an escalation into this tier must hand over. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) requiredHandoff!: HandoffField[];
  @Column({ type: 'enum', enum: ASSIGNMENT_STRATEGIES, enumName: 'tier_assignment', default: 'manual' }) assignment!: AssignmentStrategy;
  /** Round-robin position: bumped under the row lock, so concurrent assignments never skew the rotation. */
  @Column({ type: 'bigint', default: 0, select: false }) assignmentCursor!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;
  /** Deleted (hidden from every read) but kept: closed tickets and escalation records still name it. */
  @DeleteDateColumn({ type: 'timestamptz', precision: 3 }) deletedAt!: Date | null;

  // For the foreign key only, never loaded.
  @ManyToOne(() => TierEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'escalationTargetId', foreignKeyConstraintName: 'fk_tier_escalationTargetId' })
  escalationTarget?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
