import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { assertRole, isStaff, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { paginate, type KeysetColumn, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { writeTransaction } from '../database/unit-of-work.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import type { MessageVisibility } from '../ticket-core/ticket-message.entity.js';
import type { KbFeedbackInput } from './dto/kb.inputs.js';
import { KbArticleLinkEntity } from './kb-article-link.entity.js';
import { KbArticleEntity } from './kb-article.entity.js';
import { KbFeedbackEntity } from './kb-feedback.entity.js';
import { KbArticlesService } from './kb-articles.service.js';

export const KB_TICKETS_KEYSET: KeysetColumn<TicketEntity>[] = [
  { expression: 't."createdAt"', direction: 'DESC', value: (t) => t.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 't.id', direction: 'DESC', value: (t) => t.id, cast: '::uuid' },
];

/** How articles are used: readers' feedback, and the links agents put in ticket messages. */
@Injectable()
export class KbUsageService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly articles: KbArticlesService,
    private readonly access: TicketAccess,
  ) {}

  /**
   * "Did this help?" A signed-in reader has one vote per article (voting again replaces it, and the counters follow);
   * anonymous votes each count. A ticket named must be one the reader can see.
   */
  async feedback(reader: Actor | null, articleId: string, input: KbFeedbackInput): Promise<KbFeedbackEntity> {
    if (input.ticketId) {
      if (!reader) throw DomainError.validation([{ field: 'ticketId', message: 'ticketId needs a signed-in reader' }]);
      await this.access.findVisible(reader, input.ticketId).catch(() => {
        throw DomainError.validation([{ field: 'ticketId', message: 'ticketId is not a ticket you can see' }]);
      });
    }
    return writeTransaction(this.dataSource, reader ?? {}, async (em) => {
      await this.articles.findReadable(em, reader, articleId);
      const previous = reader
        ? await em.findOne(KbFeedbackEntity, { where: { articleId, userId: reader.id }, lock: { mode: 'pessimistic_write' } })
        : null;
      const vote = previous ?? em.create(KbFeedbackEntity, { articleId, userId: reader?.id ?? null });
      const before = previous?.helpful;
      Object.assign(vote, { helpful: input.helpful, ticketId: input.ticketId ?? previous?.ticketId ?? null });
      const saved = await em.save(vote);
      if (before !== input.helpful) {
        const delta = (helpful: boolean) => (input.helpful === helpful ? 1 : 0) - (before === helpful ? 1 : 0);
        await em.query(
          `UPDATE kb_article SET "helpfulCount" = "helpfulCount" + $2, "notHelpfulCount" = "notHelpfulCount" + $3 WHERE id = $1`,
          [articleId, delta(true), delta(false)],
        );
      }
      return saved;
    });
  }

  /**
   * Links articles in a new ticket message, in the message's transaction. Staff only (customers paste links); a public
   * reply links only published articles (its customer must be able to open them). Refusals name `kbArticleIds[i]`.
   */
  async link(
    em: EntityManager,
    actor: Actor,
    message: { id: string; ticketId: string; visibility: MessageVisibility },
    articleIds: string[],
  ): Promise<void> {
    if (articleIds.length === 0) return;
    if (!isStaff(actor))
      throw new DomainError('FORBIDDEN', 'Only agents link knowledge-base articles', [{ field: 'kbArticleIds', message: 'staff only' }]);
    const found = new Map(
      (await em.find(KbArticleEntity, { where: { id: In(articleIds) }, select: { id: true, status: true } })).map((a) => [a.id, a]),
    );
    const errors = articleIds.flatMap((id, i) => {
      const article = found.get(id);
      if (!article) return [{ field: `kbArticleIds[${i}]`, message: 'not an existing article' }];
      if (message.visibility === 'public' && article.status !== 'published')
        return [{ field: `kbArticleIds[${i}]`, message: 'a public reply can only link published articles' }];
      return [];
    });
    if (errors.length) throw DomainError.validation(errors);
    await em.insert(
      KbArticleLinkEntity,
      articleIds.map((articleId) => ({ messageId: message.id, ticketId: message.ticketId, articleId })),
    );
  }

  /** The tickets an article was linked on, newest first, among those the caller can see. Staff only. */
  async ticketsUsing(actor: Actor, articleId: string, page: PageRequest): Promise<Page<TicketEntity>> {
    assertRole(actor, 'agent', 'admin');
    if (!(await this.dataSource.getRepository(KbArticleEntity).existsBy({ id: articleId }))) throw DomainError.notFound('Article');
    const qb = this.dataSource
      .getRepository(TicketEntity)
      .createQueryBuilder('t')
      .where(`EXISTS (SELECT 1 FROM kb_article_link l WHERE l."articleId" = :articleId AND l."ticketId" = t.id)`, { articleId });
    this.access.applyTo(qb, await this.access.scopeOf(actor));
    return paginate(qb, KB_TICKETS_KEYSET, page);
  }
}
