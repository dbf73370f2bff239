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
import { TicketMessageEntity } from '../ticket-core/ticket-message.entity.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { UserEntity } from '../users/user.entity.js';

export const INFO_ITEM_KINDS = ['screenshot', 'log', 'file', 'text'] as const;
export type InfoItemKind = (typeof INFO_ITEM_KINDS)[number];
export const INFO_REQUEST_STATUSES = ['open', 'fulfilled', 'cancelled'] as const;
export type InfoRequestStatus = (typeof INFO_REQUEST_STATUSES)[number];

export interface InfoItemAnswer {
  text: string | null;
  attachmentIds: string[];
  answeredAt: string;
  answeredBy: string;
}

export interface InfoItem {
  key: string;
  kind: InfoItemKind;
  label: string;
  required: boolean;
  answer: InfoItemAnswer | null;
}

/** "Please send us …": named items an agent asks the requester for; the ticket waits (pending) until the required ones are answered. */
@Entity('info_request')
@Index('ix_info_request_ticket_created', ['ticketId', 'createdAt', 'id'])
@Index('ix_info_request_open', ['createdAt'], { where: `status = 'open'` })
export class InfoRequestEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  @Column({ type: 'text' }) message!: string;
  @Column({ type: 'jsonb' }) items!: InfoItem[];
  @Column({ type: 'text', default: 'open' }) status!: InfoRequestStatus;
  @Column({ type: 'uuid' }) createdById!: string;
  /** The public message that carried the request into the conversation. */
  @Column({ type: 'uuid', nullable: true }) messageId!: string | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) fulfilledAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) remindedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  // For the foreign keys only, never loaded.
  @ManyToOne(() => TicketEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_info_request_ticketId' })
  ticket?: never;
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'createdById', foreignKeyConstraintName: 'fk_info_request_createdById' })
  createdBy?: never;
  @ManyToOne(() => TicketMessageEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'messageId', foreignKeyConstraintName: 'fk_info_request_messageId' })
  carrierMessage?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
