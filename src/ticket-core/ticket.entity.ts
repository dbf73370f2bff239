import {
  BeforeInsert,
  Column,
  CreateDateColumn,
  Entity,
  Generated,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { newId } from '../common/ids.js';
import { OrganizationEntity } from '../users/organization.entity.js';
import { TierEntity } from '../tiers/tier.entity.js';
import { UserEntity } from '../users/user.entity.js';
import {
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type TicketChannel,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from './ticket-status.js';

// English and Russian stems of the same text, so a query in either language matches.
const vector = (text: string) => `to_tsvector('english'::regconfig, ${text}) || to_tsvector('russian'::regconfig, ${text})`;
const SEARCH_PUBLIC = vector(`"searchPublicText"`);
const SEARCH_STAFF = vector(`("searchPublicText" || ' ' || "searchInternalText")`);

export type SlaMetric = 'first_response' | 'resolution';

/** A support request. Lists read it through the indexes below; `search*` columns feed full-text search. */
@Entity('ticket')
@Index('ix_ticket_tier_status_created', ['tierId', 'status', 'createdAt', 'id'])
@Index('ix_ticket_requester_created', ['requesterId', 'createdAt', 'id'])
@Index('ix_ticket_organization_created', ['organizationId', 'createdAt', 'id'])
@Index('ix_ticket_assignee_created', ['assigneeId', 'createdAt', 'id'])
@Index('ix_ticket_created', ['createdAt', 'id'])
@Index('ix_ticket_updated', ['updatedAt', 'id'])
// Serves the foreign key: deleting a ticket looks for its follow-ups.
@Index('ix_ticket_follow_up', ['followUpOfId'], { where: '"followUpOfId" IS NOT NULL' })
// Hand-written in the migration (expression and GIN indexes TypeORM cannot declare); synchronize: false keeps them.
@Index('ix_ticket_sla_due', { synchronize: false })
@Index('ix_ticket_tags', { synchronize: false })
@Index('ix_ticket_tier_sla_due', { synchronize: false })
@Index('ix_ticket_search_public', { synchronize: false })
@Index('ix_ticket_search_staff', { synchronize: false })
export class TicketEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** Human number: 1, 2, 3 … */
  @Index('uq_ticket_number', { unique: true }) @Column({ type: 'int' }) @Generated('increment') number!: number;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'enum', enum: TICKET_STATUSES, enumName: 'ticket_status', default: 'new' }) status!: TicketStatus;
  @Column({ type: 'enum', enum: TICKET_PRIORITIES, enumName: 'ticket_priority', default: 'normal' }) priority!: TicketPriority;
  @Column({ type: 'enum', enum: TICKET_TYPES, enumName: 'ticket_type', default: 'question' }) type!: TicketType;
  @Column({ type: 'enum', enum: TICKET_CHANNELS, enumName: 'ticket_channel', default: 'web' }) channel!: TicketChannel;
  @Column({ type: 'uuid' }) requesterId!: string;
  @Column({ type: 'uuid', nullable: true }) organizationId!: string | null;
  // A tier goes once all its tickets are closed (TiersService.remove), softly: they keep its id and their key.
  @Column({ type: 'uuid' }) tierId!: string;
  /** The tier's level, kept beside tierId so lists can show it without a join. */
  @Column({ type: 'int', default: 1 }) escalationLevel!: number;
  @Column({ type: 'uuid', nullable: true }) assigneeId!: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  @Column({ type: 'jsonb', default: () => "'{}'" }) customFields!: Record<string, unknown>;
  @Column({ type: 'uuid', nullable: true }) followUpOfId!: string | null;
  // Follows the clocks' policyId; a policy is deleted softly, so the clocks it started run on with their key.
  @Column({ type: 'uuid', nullable: true }) slaPolicyId!: string | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) firstResponseDueAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) resolutionDueAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) firstRespondedAt!: Date | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) slaBreached!: SlaMetric[];
  /** The next SLA deadline (null when no clock runs): the `slaDueAt` sort. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) slaDueAt!: Date | null;
  /** Per-ticket event counter: the next audit event gets lastEventSequence + 1 (the row is locked while writing). */
  @Column({ type: 'int', default: 0 }) lastEventSequence!: number;
  // The search texts grow with the conversation and only the search indexes read them: never loaded with the ticket.
  /** Text customers may search: subject, description, public replies. */
  @Column({ type: 'text', default: '', select: false }) searchPublicText!: string;
  /** Internal notes, searchable by staff only. */
  @Column({ type: 'text', default: '', select: false }) searchInternalText!: string;
  // Search reads these stored vectors (PostgreSQL keeps them in step with the texts) rather than parsing text per row,
  // and their statistics let the planner tell a rare term (GIN bitmap) from a common one (walk the sort's index).
  /** What customers may match. */
  @Column({ type: 'tsvector', select: false, insert: false, update: false, generatedType: 'STORED', asExpression: SEARCH_PUBLIC })
  searchPublic!: string;
  /** What staff may match: the public text and the internal notes. */
  @Column({ type: 'tsvector', select: false, insert: false, update: false, generatedType: 'STORED', asExpression: SEARCH_STAFF })
  searchStaff!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) solvedAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) closedAt!: Date | null;
  @VersionColumn() version!: number;

  // Relations for the foreign keys only, typed never so that no code loads or sets them: the *Id columns are what it uses.
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requesterId', foreignKeyConstraintName: 'fk_ticket_requesterId' })
  requester?: never;
  @ManyToOne(() => OrganizationEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organizationId', foreignKeyConstraintName: 'fk_ticket_organizationId' })
  organization?: never;
  @ManyToOne(() => UserEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'assigneeId', foreignKeyConstraintName: 'fk_ticket_assigneeId' })
  assignee?: never;
  @ManyToOne(() => TicketEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'followUpOfId', foreignKeyConstraintName: 'fk_ticket_followUpOfId' })
  followUpOf?: never;
  @ManyToOne(() => TierEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tierId', foreignKeyConstraintName: 'fk_ticket_tierId' })
  tier?: never;
  // Named by table: SLA policies sit above the ticket core.
  @ManyToOne('sla_policy', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'slaPolicyId', foreignKeyConstraintName: 'fk_ticket_slaPolicyId' })
  slaPolicy?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
