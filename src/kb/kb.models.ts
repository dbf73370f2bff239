import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Connection } from '../common/pagination/paginated.js';
import {
  KB_ARTICLE_KINDS,
  KB_ARTICLE_STATUSES,
  KB_LOCALES,
  type KbArticleEntity,
  type KbArticleKind,
  type KbArticleStatus,
  type KbLocale,
} from './kb-article.entity.js';
import type { KbCategoryEntity } from './kb-category.entity.js';
import type { KbFeedbackEntity } from './kb-feedback.entity.js';
import { KbArticleKindEnum, KbArticleStatusEnum, KbLocaleEnum } from './kb.enums.js';

const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;
const nullableUuid = { ...uuid, nullable: true } as const;
const dateTime = { type: String, format: 'date-time', maxLength: 30 } as const;
const count = { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 } as const;

@ObjectType('KbCategory')
export class KbCategory {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 200 }) @Field(() => String) name!: string;
  @ApiProperty({ maxLength: 2000 }) @Field(() => String) description!: string;
  /** The top-level category this one sits under; null for a top-level category. */
  @ApiProperty({ ...nullableUuid, description: 'The top-level category this one sits under; null for a top-level one' })
  @Field(() => ID, { nullable: true, description: 'The top-level category this one sits under; null for a top-level one.' })
  parentId!: string | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 100000, description: 'Order among its siblings' })
  @Field(() => Int, { description: 'Order among its siblings.' })
  position!: number;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

@ObjectType('KbArticle')
export class KbArticle {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 200, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' }) @Field(() => String) slug!: string;
  @ApiProperty({ maxLength: 300 }) @Field(() => String) title!: string;
  @ApiProperty({ maxLength: 200_000, description: 'Markdown' }) @Field(() => String, { description: 'Markdown.' }) body!: string;
  @ApiProperty({ enum: KB_ARTICLE_KINDS, enumName: 'KbArticleKind' }) @Field(() => KbArticleKindEnum) kind!: KbArticleKind;
  @ApiProperty({ type: String, format: 'uri', maxLength: 2000, nullable: true })
  @Field(() => String, { nullable: true })
  videoUrl!: string | null;
  @ApiProperty({ maxLength: 200_000, description: "A video's words; searched like the body" })
  @Field(() => String, { description: "A video's words; searched like the body." })
  transcript!: string;
  @ApiProperty(nullableUuid) @Field(() => ID, { nullable: true }) categoryId!: string | null;
  @ApiProperty({ enum: KB_LOCALES, enumName: 'KbLocale' }) @Field(() => KbLocaleEnum) locale!: KbLocale;
  @ApiProperty({ enum: KB_ARTICLE_STATUSES, enumName: 'KbArticleStatus' }) @Field(() => KbArticleStatusEnum) status!: KbArticleStatus;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20 }) @Field(() => [String]) tags!: string[];
  @ApiProperty({ ...dateTime, nullable: true }) @Field(() => GraphQLISODateTime, { nullable: true }) publishedAt!: Date | null;
  /** The article this one translates. */
  @ApiProperty({ ...nullableUuid, description: 'The article this one translates' })
  @Field(() => ID, { nullable: true, description: 'The article this one translates.' })
  translationOfId!: string | null;
  /** The source changed after this translation was last edited. */
  @ApiProperty({ description: 'The source changed after this translation was last edited' })
  @Field(() => Boolean, { description: 'The source changed after this translation was last edited.' })
  outdated!: boolean;
  @ApiProperty(uuid) @Field(() => ID) authorId!: string;
  @ApiProperty({ ...count, description: 'Reads by customers and anonymous readers' })
  @Field(() => Int, { description: 'Reads by customers and anonymous readers.' })
  views!: number;
  @ApiProperty(count) @Field(() => Int) helpfulCount!: number;
  @ApiProperty(count) @Field(() => Int) notHelpfulCount!: number;
  @ApiProperty({ ...count, description: 'Suggested for a draft ticket, opened, and no ticket filed within 24 h' })
  @Field(() => Int, { description: 'Suggested for a draft ticket, opened, and no ticket filed within 24 h.' })
  deflections!: number;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

/** A search or suggestion result: the article's summary and where it matched. */
@ObjectType('KbSearchHit')
export class KbSearchHit {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 200 }) @Field(() => String) slug!: string;
  @ApiProperty({ maxLength: 300 }) @Field(() => String) title!: string;
  @ApiProperty({ enum: KB_ARTICLE_KINDS, enumName: 'KbArticleKind' }) @Field(() => KbArticleKindEnum) kind!: KbArticleKind;
  @ApiProperty({ enum: KB_LOCALES, enumName: 'KbLocale' }) @Field(() => KbLocaleEnum) locale!: KbLocale;
  @ApiProperty(nullableUuid) @Field(() => ID, { nullable: true }) categoryId!: string | null;
  @ApiProperty({ type: String, format: 'uri', maxLength: 2000, nullable: true })
  @Field(() => String, { nullable: true })
  videoUrl!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20 }) @Field(() => [String]) tags!: string[];
  /** Plain text from the article around the matches, each match wrapped in `<mark>…</mark>`. */
  @ApiProperty({ maxLength: 2000, description: 'Text around the matches, each wrapped in <mark>…</mark>' })
  @Field(() => String, { description: 'Text around the matches, each wrapped in <mark>…</mark>.' })
  snippet!: string;
  /** Relevance, higher first; comparable within one result list only. */
  @ApiProperty({ type: 'number', format: 'float', minimum: 0, description: 'Relevance, higher first; comparable within one list only' })
  @Field(() => Float, { description: 'Relevance, higher first; comparable within one list only.' })
  score!: number;
}

@ObjectType('KbArticleConnection')
export class KbArticleConnection extends Connection(KbArticle) {}
@ObjectType('KbCategoryConnection')
export class KbCategoryConnection extends Connection(KbCategory) {}
@ObjectType('KbSearchHitConnection')
export class KbSearchHitConnection extends Connection(KbSearchHit) {}

export function toKbCategory(c: KbCategoryEntity): KbCategory {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    parentId: c.parentId,
    position: c.position,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

export function toKbArticle(a: KbArticleEntity): KbArticle {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    body: a.body,
    kind: a.kind,
    videoUrl: a.videoUrl,
    transcript: a.transcript,
    categoryId: a.categoryId,
    locale: a.locale,
    status: a.status,
    tags: a.tags,
    publishedAt: a.publishedAt,
    translationOfId: a.translationOfId,
    outdated: a.outdated,
    authorId: a.authorId,
    views: a.views,
    helpfulCount: a.helpfulCount,
    notHelpfulCount: a.notHelpfulCount,
    deflections: a.deflections,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    version: a.version,
  };
}

/** Idempotent replays are stored JSON, where dates are strings; the DateTime scalar needs Date objects. */
export function kbArticleFromJson(a: KbArticle): KbArticle {
  return {
    ...a,
    createdAt: new Date(a.createdAt),
    updatedAt: new Date(a.updatedAt),
    publishedAt: a.publishedAt ? new Date(a.publishedAt) : null,
  };
}

export function kbCategoryFromJson(c: KbCategory): KbCategory {
  return { ...c, createdAt: new Date(c.createdAt), updatedAt: new Date(c.updatedAt) };
}

/** A reader's "did this help?" on an article. */
@ObjectType('KbFeedback')
export class KbFeedback {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty(uuid) @Field(() => ID) articleId!: string;
  @ApiProperty({ description: 'Whether the article answered the question' }) @Field(() => Boolean) helpful!: boolean;
  @ApiProperty(nullableUuid) @Field(() => ID, { nullable: true }) ticketId!: string | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

export function toKbFeedback(f: KbFeedbackEntity): KbFeedback {
  return { id: f.id, articleId: f.articleId, helpful: f.helpful, ticketId: f.ticketId, createdAt: f.createdAt, updatedAt: f.updatedAt };
}
