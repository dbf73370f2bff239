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
import { UserEntity } from '../users/user.entity.js';
import { KbCategoryEntity } from './kb-category.entity.js';

export const KB_ARTICLE_KINDS = ['article', 'faq', 'guide', 'video'] as const;
export type KbArticleKind = (typeof KB_ARTICLE_KINDS)[number];
export const KB_ARTICLE_STATUSES = ['draft', 'published'] as const;
export type KbArticleStatus = (typeof KB_ARTICLE_STATUSES)[number];
/** The languages the knowledge base stems; each maps to its PostgreSQL text search configuration. */
export const KB_LOCALES = ['en', 'ru'] as const;
export type KbLocale = (typeof KB_LOCALES)[number];

/** The article's own language decides how its words are stemmed (an English article is never stemmed as Russian). */
export const KB_CONFIG = `(CASE "locale" WHEN 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END)`;
const TITLE_VECTOR = `to_tsvector(${KB_CONFIG}, "title")`;
// Title over body: weight A for the title, B for the body and a video's transcript.
const DOCUMENT_VECTOR = `(setweight(to_tsvector(${KB_CONFIG}, "title"), 'A') || setweight(to_tsvector(${KB_CONFIG}, (("body" || ' ') || "transcript")), 'B'))`;

/** An article, FAQ entry, guide or training video, in one locale; translations link to their source. */
@Entity('kb_article')
@Index('uq_kb_article_locale_slug', ['locale', 'slug'], { unique: true })
@Index('uq_kb_article_translation', ['translationOfId', 'locale'], { unique: true })
@Index('ix_kb_article_category', ['categoryId'])
@Index('ix_kb_article_created', ['createdAt', 'id'])
// Hand-written in the migration (GIN): the search vectors and the trigram index of titles.
@Index('ix_kb_article_search', { synchronize: false })
@Index('ix_kb_article_search_title', { synchronize: false })
@Index('ix_kb_article_title_trgm', { synchronize: false })
export class KbArticleEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) slug!: string;
  @Column({ type: 'text' }) title!: string;
  /** Markdown. */
  @Column({ type: 'text' }) body!: string;
  @Column({ type: 'enum', enum: KB_ARTICLE_KINDS, enumName: 'kb_article_kind' }) kind!: KbArticleKind;
  @Column({ type: 'text', nullable: true }) videoUrl!: string | null;
  /** A video's words, searched like the body. */
  @Column({ type: 'text', default: '' }) transcript!: string;
  @Column({ type: 'uuid', nullable: true }) categoryId!: string | null;
  @Column({ type: 'text' }) locale!: KbLocale;
  @Column({ type: 'enum', enum: KB_ARTICLE_STATUSES, enumName: 'kb_article_status', default: 'draft' }) status!: KbArticleStatus;
  @Column({ type: 'text', array: true, default: () => `'{}'` }) tags!: string[];
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) publishedAt!: Date | null;
  /** The article this one translates (always the original, never another translation). */
  @Column({ type: 'uuid', nullable: true }) translationOfId!: string | null;
  /** Set when the source's content changed after this translation was last edited. */
  @Column({ type: 'boolean', default: false }) outdated!: boolean;
  @Column({ type: 'uuid' }) authorId!: string;
  @Column({ type: 'int', default: 0 }) views!: number;
  @Column({ type: 'int', default: 0 }) helpfulCount!: number;
  @Column({ type: 'int', default: 0 }) notHelpfulCount!: number;
  @Column({ type: 'int', default: 0 }) deflections!: number;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  // Stored vectors (PostgreSQL keeps them in step with the text); only search reads them.
  @Column({ type: 'tsvector', select: false, insert: false, update: false, generatedType: 'STORED', asExpression: DOCUMENT_VECTOR })
  search!: string;
  @Column({ type: 'tsvector', select: false, insert: false, update: false, generatedType: 'STORED', asExpression: TITLE_VECTOR })
  searchTitle!: string;

  // For the foreign keys only, never loaded.
  @ManyToOne(() => KbCategoryEntity, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'categoryId', foreignKeyConstraintName: 'fk_kb_article_categoryId' })
  category?: never;
  // Deleting a source keeps its translations as articles of their own.
  @ManyToOne(() => KbArticleEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'translationOfId', foreignKeyConstraintName: 'fk_kb_article_translationOfId' })
  translationOf?: never;
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'authorId', foreignKeyConstraintName: 'fk_kb_article_authorId' })
  author?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
