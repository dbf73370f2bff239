import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TicketMessageEntity } from '../ticket-core/ticket-message.entity.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { KbArticleEntity } from './kb-article.entity.js';

/** An article an agent linked in a ticket message (`kbArticleIds`): which tickets an article answered. */
@Entity('kb_article_link')
@Index('ix_kb_article_link_article_ticket', ['articleId', 'ticketId'])
export class KbArticleLinkEntity {
  @PrimaryColumn({ type: 'uuid' }) messageId!: string;
  @PrimaryColumn({ type: 'uuid' }) articleId!: string;
  @Column({ type: 'uuid' }) ticketId!: string;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;

  // For the foreign keys only. An article that answered tickets is unpublished, not deleted (409).
  @ManyToOne(() => TicketMessageEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'messageId', foreignKeyConstraintName: 'fk_kb_article_link_messageId' })
  message?: never;
  @ManyToOne(() => KbArticleEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'articleId', foreignKeyConstraintName: 'fk_kb_article_link_articleId' })
  article?: never;
  @ManyToOne(() => TicketEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticketId', foreignKeyConstraintName: 'fk_kb_article_link_ticketId' })
  ticket?: never;
}
