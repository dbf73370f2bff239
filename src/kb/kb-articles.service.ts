import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assertRole, isStaff, type Actor } from '../actor/actor.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { AppConfig } from '../config/app-config.js';
import { hydrate, selectColumns } from '../database/prepared-read.js';
import { writeTransaction } from '../database/unit-of-work.js';
import type { CreateKbArticleInput, KbArticleFilter, UpdateKbArticleInput } from './dto/kb.inputs.js';
import { KbArticleEntity } from './kb-article.entity.js';
import { KbCategoryEntity } from './kb-category.entity.js';
import { KbDeflections } from './kb-deflections.js';

export const KB_ARTICLE_KEYSET: KeysetColumn<KbArticleEntity>[] = [
  { expression: 'a."createdAt"', direction: 'DESC', value: (a) => a.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'a.id', direction: 'DESC', value: (a) => a.id, cast: '::uuid' },
];

/** What readers see of a translation's source: a change to any of these makes its translations outdated. */
const CONTENT_FIELDS = ['title', 'body', 'transcript', 'videoUrl'] as const;

/**
 * Articles, FAQ entries, guides and videos. Everyone reads published ones (no token needed); staff also read drafts.
 * Agents write drafts; publishing, unpublishing and changing a published article is for KB_PUBLISH_ROLES (admins).
 */
@Injectable()
export class KbArticlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly deflections: KbDeflections,
  ) {}

  async list(reader: Actor | null, filter: KbArticleFilter, page: PageRequest): Promise<Page<KbArticleEntity>> {
    const qb = this.dataSource.getRepository(KbArticleEntity).createQueryBuilder('a');
    const status = reader && isStaff(reader) ? filter.status : 'published';
    if (status) qb.andWhere('a.status = :status', { status });
    if (filter.locale) qb.andWhere('a.locale = :locale', { locale: filter.locale });
    if (filter.categoryId) qb.andWhere('a."categoryId" = :categoryId', { categoryId: filter.categoryId });
    if (filter.kind) qb.andWhere('a.kind = :kind', { kind: filter.kind });
    if (filter.tag) qb.andWhere(':tag = ANY(a.tags)', { tag: filter.tag });
    if (filter.slug) qb.andWhere('a.slug = :slug', { slug: filter.slug });
    if (filter.translationOfId) qb.andWhere('a."translationOfId" = :source', { source: filter.translationOfId });
    return paginate(qb, KB_ARTICLE_KEYSET, page);
  }

  /**
   * One article. A customer's or an anonymous reader's read counts as a view, in the statement that reads it; drafts do
   * not exist for them (404).
   */
  async findOne(reader: Actor | null, id: string): Promise<KbArticleEntity> {
    if (reader && isStaff(reader)) {
      const article = await this.dataSource.getRepository(KbArticleEntity).findOneBy({ id });
      if (!article) throw DomainError.notFound('Article');
      return article;
    }
    const [rows]: [Record<string, unknown>[]] = await this.dataSource.query(
      `UPDATE kb_article SET views = views + 1 WHERE id = $1 AND status = 'published' RETURNING ${this.columns()}`,
      [id],
    );
    if (!rows?.length) throw DomainError.notFound('Article');
    if (reader) await this.deflections.opened(reader, id);
    return hydrate(this.dataSource, KbArticleEntity, rows[0]);
  }

  /** A published article by id, for anyone (feedback, links): 404 for drafts unless the caller is staff. */
  async findReadable(em: EntityManager, reader: Actor | null, id: string): Promise<KbArticleEntity> {
    const article = await em.findOneBy(KbArticleEntity, { id });
    if (!article || (article.status !== 'published' && !(reader && isStaff(reader)))) throw DomainError.notFound('Article');
    return article;
  }

  async create(actor: Actor, input: CreateKbArticleInput): Promise<KbArticleEntity> {
    assertRole(actor, 'agent', 'admin');
    const status = input.status ?? 'draft';
    if (status === 'published') this.assertPublisher(actor, 'status');
    const kind = input.kind ?? 'article';
    assertVideoUrl(kind, input.videoUrl);
    return writeTransaction(this.dataSource, actor, async (em) => {
      if (input.categoryId) await this.assertCategory(em, input.categoryId);
      const translationOfId = input.translationOfId ? await this.sourceOf(em, input.translationOfId, input.locale) : null;
      return em.save(
        em.create(KbArticleEntity, {
          ...input,
          kind,
          status,
          translationOfId,
          videoUrl: input.videoUrl ?? null,
          transcript: input.transcript ?? '',
          tags: input.tags ?? [],
          publishedAt: status === 'published' ? this.clock.date() : null,
          authorId: actor.id,
        }),
      );
    });
  }

  async update(actor: Actor, id: string, input: UpdateKbArticleInput, expectedVersion?: number | null): Promise<KbArticleEntity> {
    assertRole(actor, 'agent', 'admin');
    return writeTransaction(this.dataSource, actor, async (em) => {
      const article = await em.findOne(KbArticleEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!article) throw DomainError.notFound('Article');
      assertVersion(expectedVersion, article.version);
      if (article.status === 'published') this.assertPublisher(actor, 'status', 'Only publishers may change a published article');
      if (input.status && input.status !== article.status) this.assertPublisher(actor, 'status');
      assertVideoUrl(input.kind ?? article.kind, input.videoUrl === undefined ? article.videoUrl : input.videoUrl);
      if (input.categoryId) await this.assertCategory(em, input.categoryId);
      const contentChanged = CONTENT_FIELDS.some((f) => input[f] !== undefined && input[f] !== article[f]);
      if (input.status === 'published' && article.status !== 'published') article.publishedAt = this.clock.date();
      // A translation edited is brought up to date with its source, unless the editor says otherwise.
      const outdated = input.outdated ?? (article.translationOfId && contentChanged ? false : article.outdated);
      Object.assign(article, input, { outdated });
      const saved = await em.save(article);
      if (contentChanged && !article.translationOfId) await this.markTranslationsOutdated(em, id);
      return saved;
    });
  }

  /** Admins; refused (409, by its foreign key) while tickets link it: unpublish it instead. Translations stay. */
  async remove(actor: Actor, id: string): Promise<void> {
    assertRole(actor, 'admin');
    const { affected } = await this.dataSource.getRepository(KbArticleEntity).delete({ id });
    if (!affected) throw DomainError.notFound('Article');
  }

  canPublish(actor: Actor): boolean {
    return (this.config.kb.publishRoles as string[]).includes(actor.role);
  }

  private assertPublisher(actor: Actor, field: string, message = 'Your role may not publish or unpublish articles'): void {
    if (!this.canPublish(actor)) throw new DomainError('FORBIDDEN', message, [{ field, message: `${field}: needs KB_PUBLISH_ROLES` }]);
  }

  /** The original a new translation links to (a translation of a translation links to the original), in another locale. */
  private async sourceOf(em: EntityManager, id: string, locale: string): Promise<string> {
    const named = await em.findOne(KbArticleEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
    if (!named) throw DomainError.validation([{ field: 'translationOfId', message: 'translationOfId is not an existing article' }]);
    const source = named.translationOfId ? await em.findOneBy(KbArticleEntity, { id: named.translationOfId }) : named;
    if (!source) throw DomainError.validation([{ field: 'translationOfId', message: 'translationOfId is not an existing article' }]);
    if (source.locale === locale)
      throw DomainError.validation([
        { field: 'locale', message: `a translation needs another locale than its source's (${source.locale})` },
      ]);
    return source.id;
  }

  /** The source changed: its translations (still current) say so, each a new version of its own. */
  private async markTranslationsOutdated(em: EntityManager, sourceId: string): Promise<void> {
    await em.query(
      `UPDATE kb_article SET outdated = true, version = version + 1, "updatedAt" = $2 WHERE "translationOfId" = $1 AND NOT outdated`,
      [sourceId, this.clock.date()],
    );
  }

  private async assertCategory(em: EntityManager, categoryId: string): Promise<void> {
    if (!(await em.existsBy(KbCategoryEntity, { id: categoryId })))
      throw DomainError.validation([{ field: 'categoryId', message: 'categoryId is not an existing category' }]);
  }

  private selection?: string;
  private columns(): string {
    return (this.selection ??= selectColumns(this.dataSource, KbArticleEntity));
  }
}

function assertVideoUrl(kind: string, videoUrl: string | null | undefined): void {
  if (kind === 'video' && !videoUrl) throw DomainError.validation([{ field: 'videoUrl', message: 'a video needs its videoUrl' }]);
}
