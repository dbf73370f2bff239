import { BeforeInsert, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { TierEntity } from '../tiers/tier.entity.js';
import { UserEntity } from '../users/user.entity.js';

export const ESCALATION_DIRECTIONS = ['up', 'down'] as const;
export type EscalationDirection = (typeof ESCALATION_DIRECTIONS)[number];
export const ESCALATION_TRIGGERS = ['manual', 'sla_breach', 'rule'] as const;
export type EscalationTrigger = (typeof ESCALATION_TRIGGERS)[number];

export interface Handoff {
  summary?: string;
  stepsToReproduce?: string;
  environment?: string;
  attachmentIds?: string[];
}

/** One move of a ticket between tiers, with who moved it, why, and what they handed over. */
@Entity('ticket_escalation')
@Index('ix_ticket_escalation_ticket_at', ['ticketId', 'at', 'id'])
export class EscalationEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  // Tiers are deleted softly (once their tickets are closed), so the history keeps their ids and its keys.
  @Column({ type: 'uuid' }) fromTierId!: string;
  @Column({ type: 'uuid' }) toTierId!: string;
  @Column({ type: 'text' }) direction!: EscalationDirection;
  @Column({ type: 'text' }) reason!: string;
  /** null for automatic moves, which cannot supply one. */
  @Column({ type: 'jsonb', nullable: true }) handoff!: Handoff | null;
  /** null when automatic. */
  @Column({ type: 'uuid', nullable: true }) actorId!: string | null;
  @Column({ type: 'text' }) trigger!: EscalationTrigger;
  @Column({ type: 'timestamptz', precision: 3 }) at!: Date;

  // For the foreign keys only, never loaded.
  @ManyToOne(() => TicketEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_ticket_escalation_ticketId' })
  ticket?: never;
  @ManyToOne(() => UserEntity, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actorId', foreignKeyConstraintName: 'fk_ticket_escalation_actorId' })
  actor?: never;
  @ManyToOne(() => TierEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fromTierId', foreignKeyConstraintName: 'fk_ticket_escalation_fromTierId' })
  fromTier?: never;
  @ManyToOne(() => TierEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'toTierId', foreignKeyConstraintName: 'fk_ticket_escalation_toTierId' })
  toTier?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
