import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { UserEntity } from '../users/user.entity.js';
import { KbArticleEntity } from './kb-article.entity.js';

/**
 * Suggestions shown to a signed-in customer for the text of a ticket they had not filed yet: what deflections are
 * counted from (see KbDeflections).
 */
@Entity('kb_suggestion')
@Index('ix_kb_suggestion_user_created', ['userId', 'createdAt'])
export class KbSuggestionEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'uuid' }) userId!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  /** Set by the check 24 h later: whether the customer filed a ticket in between. */
  @Column({ type: 'boolean', nullable: true }) ticketFiled!: boolean | null;

  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'fk_kb_suggestion_userId' })
  user?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}

/** One article of a suggestion, and when (if) the customer opened it. */
@Entity('kb_suggestion_article')
@Index('ix_kb_suggestion_article_article', ['articleId'])
export class KbSuggestionArticleEntity {
  @PrimaryColumn({ type: 'uuid' }) suggestionId!: string;
  @PrimaryColumn({ type: 'uuid' }) articleId!: string;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) openedAt!: Date | null;

  @ManyToOne(() => KbSuggestionEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'suggestionId', foreignKeyConstraintName: 'fk_kb_suggestion_article_suggestionId' })
  suggestion?: never;
  @ManyToOne(() => KbArticleEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'articleId', foreignKeyConstraintName: 'fk_kb_suggestion_article_articleId' })
  article?: never;
}
