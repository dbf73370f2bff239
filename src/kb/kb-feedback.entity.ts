import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { KbArticleEntity } from './kb-article.entity.js';

/** "Did this help?": one vote per signed-in reader and article (a second one replaces it); anonymous votes each count. */
@Entity('kb_feedback')
@Index('uq_kb_feedback_article_user', ['articleId', 'userId'], { unique: true })
export class KbFeedbackEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) articleId!: string;
  /** Null for an anonymous reader (NULLs never collide in the unique index). */
  @Column({ type: 'uuid', nullable: true }) userId!: string | null;
  @Column({ type: 'uuid', nullable: true }) ticketId!: string | null;
  @Column({ type: 'boolean' }) helpful!: boolean;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;

  // For the foreign keys only, never loaded.
  @ManyToOne(() => KbArticleEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'articleId', foreignKeyConstraintName: 'fk_kb_feedback_articleId' })
  article?: never;
  @ManyToOne(() => UserEntity, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'fk_kb_feedback_userId' })
  user?: never;
  @ManyToOne(() => TicketEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_kb_feedback_ticketId' })
  ticket?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
