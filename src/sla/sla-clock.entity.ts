import { BeforeInsert, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { TicketEntity, type SlaMetric } from '../ticket-core/ticket.entity.js';
import { SlaPolicyEntity } from './sla-policy.entity.js';

export interface SlaPause {
  from: string;
  /** null while the pause lasts. */
  to: string | null;
  reason: string;
}

/**
 * One SLA clock of a ticket: first response (one per ticket) or resolution (a new cycle after each reopen).
 * `dueAt` already includes the time spent paused; while paused it is the deadline as of the pause.
 */
@Entity('sla_clock')
@Index('uq_sla_clock_ticket_metric_cycle', ['ticketId', 'metric', 'cycle'], { unique: true })
export class SlaClockEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  @Column({ type: 'text' }) metric!: SlaMetric;
  @Column({ type: 'int', default: 1 }) cycle!: number;
  // A policy is deleted softly while its clocks run on (they copy its targets; a deleted policy reads as none).
  @Column({ type: 'uuid' }) policyId!: string;
  @Column({ type: 'int' }) targetMinutes!: number;
  @Column({ type: 'timestamptz', precision: 3 }) startedAt!: Date;
  @Column({ type: 'timestamptz', precision: 3 }) dueAt!: Date;
  /** When `sla.warning` is due (SLA_WARNING_PERCENT of the target, paused time added). */
  @Column({ type: 'timestamptz', precision: 3 }) warnAt!: Date;
  @Column({ type: 'jsonb', default: () => "'[]'" }) pauses!: SlaPause[];
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) pausedAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) satisfiedAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) warnedAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) breachedAt!: Date | null;
  /** The clock ended without being satisfied (a new policy replaced it, or the ticket was closed). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) stoppedAt!: Date | null;

  // For the foreign key only, never loaded.
  @ManyToOne(() => TicketEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_sla_clock_ticketId' })
  ticket?: never;
  @ManyToOne(() => SlaPolicyEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'policyId', foreignKeyConstraintName: 'fk_sla_clock_policyId' })
  policy?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
