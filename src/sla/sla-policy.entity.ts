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
import { TierEntity } from '../tiers/tier.entity.js';
import { TICKET_PRIORITIES, type TicketPriority } from '../ticket-core/ticket-status.js';

/**
 * Response-time promises for one priority, optionally only in one tier. The most specific policy applies:
 * priority + tier, else priority alone. At most one policy per (priority, tier or none): see uq_sla_policy_scope.
 */
@Entity('sla_policy')
// Hand-written in the migration: unique over (priority, tierId) among live policies, "no tier" counted as one value.
@Index('uq_sla_policy_scope', { synchronize: false })
export class SlaPolicyEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'enum', enum: TICKET_PRIORITIES, enumName: 'ticket_priority' }) priority!: TicketPriority;
  @Column({ type: 'uuid', nullable: true }) tierId!: string | null;
  @Column({ type: 'int' }) firstResponseMinutes!: number;
  @Column({ type: 'int' }) resolutionMinutes!: number;
  /** Stop the clocks while the ticket waits on the customer (pending) or a third party (on_hold). */
  @Column({ type: 'boolean', default: true }) pauseWhilePending!: boolean;
  /** A breach moves the ticket up to the next tier. */
  @Column({ type: 'boolean', default: false }) autoEscalate!: boolean;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;
  /** Deleted (hidden from every read) but kept: the clocks it started and their tickets still name it. */
  @DeleteDateColumn({ type: 'timestamptz', precision: 3 }) deletedAt!: Date | null;

  // For the foreign key only, never loaded. TiersService.remove refuses first (409) with a message that says why.
  @ManyToOne(() => TierEntity, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tierId', foreignKeyConstraintName: 'fk_sla_policy_tierId' })
  tier?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
