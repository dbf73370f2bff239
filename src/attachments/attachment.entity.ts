import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { TicketMessageEntity } from '../ticket-core/ticket-message.entity.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { UserEntity } from '../users/user.entity.js';

export const ATTACHMENT_KINDS = ['image', 'log', 'document', 'archive', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
/** `pending` while the bytes are being written (size 0, sha256 ''); `stored` once they all are. Only stored rows are read. */
export type AttachmentStatus = 'pending' | 'stored';

/**
 * A file uploaded to a ticket. The bytes live in attachment storage under `storageKey` (generated, never the client's
 * name); `filename` is the client's name, sanitised, kept only as metadata. Until linked to a message or an
 * information-request answer it is "unattached": visible to its uploader and staff, collected after 24 h.
 * The row is inserted before the bytes are written, as `pending`: storage never holds bytes without a row, so a crash
 * mid-upload leaves a pending row (and maybe bytes) for the sweep to remove, not files nobody knows about.
 */
@Entity('attachment')
@Index('ix_attachment_ticket_created', ['ticketId', 'createdAt', 'id'])
@Index('ix_attachment_message', ['messageId'])
@Index('ix_attachment_unattached_created', ['createdAt'], { where: '"messageId" IS NULL AND "infoRequestId" IS NULL' })
@Index('ix_attachment_pending_created', ['createdAt'], { where: `"status" = 'pending'` })
@Index('ix_attachment_storage_key', ['storageKey'], { unique: true })
export class AttachmentEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  @Column({ type: 'uuid', nullable: true }) messageId!: string | null;
  /** Set when the file answers an information request item. */
  @Column({ type: 'uuid', nullable: true }) infoRequestId!: string | null;
  @Column({ type: 'uuid' }) uploaderId!: string;
  @Column({ type: 'text' }) filename!: string;
  /** Derived from the bytes, not from the client. */
  @Column({ type: 'text' }) contentType!: string;
  @Column({ type: 'bigint' }) size!: string;
  @Column({ type: 'text' }) sha256!: string;
  @Column({ type: 'text' }) kind!: AttachmentKind;
  @Column({ type: 'int', nullable: true }) width!: number | null;
  @Column({ type: 'int', nullable: true }) height!: number | null;
  @Column({ type: 'text' }) storageKey!: string;
  @Column({ type: 'text' }) status!: AttachmentStatus;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;

  // For the foreign keys only, never loaded. A file goes with what it belongs to; storage keys no row names are swept.
  @ManyToOne(() => TicketEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_attachment_ticketId' })
  ticket?: never;
  @ManyToOne(() => TicketMessageEntity, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'messageId', foreignKeyConstraintName: 'fk_attachment_messageId' })
  message?: never;
  // Named by table: information requests sit above attachments (they take answers as files), so no import back.
  @ManyToOne('info_request', { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'infoRequestId', foreignKeyConstraintName: 'fk_attachment_infoRequestId' })
  infoRequest?: never;
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaderId', foreignKeyConstraintName: 'fk_attachment_uploaderId' })
  uploader?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
