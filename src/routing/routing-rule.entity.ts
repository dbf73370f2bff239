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
import { TierEntity } from '../tiers/tier.entity.js';
import type { TicketChannel, TicketPriority, TicketType } from '../ticket-core/ticket-status.js';

/**
 * Sends new tickets to a tier other than the first line. Every non-empty condition must hold (AND); within one
 * condition any listed value matches (OR); an empty list matches anything. Active rules are tried by `position`.
 */
@Entity('routing_rule')
@Index('ix_routing_rule_position', ['position', 'createdAt', 'id'])
export class RoutingRuleEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  /** Lower goes first. */
  @Column({ type: 'int' }) position!: number;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) types!: TicketType[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) priorities!: TicketPriority[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) channels!: TicketChannel[];
  /** Matches when the ticket carries any of these tags. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  /** The requester's organization. Kept in routing_rule_organization (under foreign keys); read with the rule. */
  organizationIds!: string[];
  @Column({ type: 'uuid' }) tierId!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  // For the foreign key only, never loaded. TiersService.remove refuses first (409) with a message that says why.
  @ManyToOne(() => TierEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tierId', foreignKeyConstraintName: 'fk_routing_rule_tierId' })
  tier?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
