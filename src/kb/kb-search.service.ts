import { Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../common/pagination/cursor.js';
import { isDataException, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { namedStatement, preparedIn, preparedRead } from '../database/prepared-read.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import type { KbSearchHit } from './kb.models.js';
import type { KbLocale } from './kb-article.entity.js';
import { KB_CONFIG } from './kb-article.entity.js';
import { KbDeflections } from './kb-deflections.js';

const CONFIG_OF: Record<KbLocale, string> = { en: 'english', ru: 'russian' };
// Ranking reads each candidate's row: however common the words, at most this many articles are ranked: up to 100 whose
// title matches, and only when fewer titles match, up to 400 whose body does. Pages beyond the candidates are not
// offered (a reader refines the words instead).
const TITLE_CANDIDATES = 100;
const CANDIDATES = 400;
// The typo-tolerant fallback re-checks each candidate's trigrams: fewer of them.
const SIMILAR_CANDIDATES = 300;
// How alike a query and part of a title must be for the typo-tolerant fallback (pg_trgm word similarity, 0–1).
const TYPO_SIMILARITY = 0.45;
const MIN_TYPO_QUERY = 4;
// ts_headline parses and stems all the text it is given, ~0.1 ms a 1,000 characters: snippets come from an article's
// opening characters (25 whole 20,000-character articles took 48 ms; their first 3,000, 7 ms).
const HEADLINE_CHARS = 3000;
const HEADLINE = `MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=<mark>, StopSel=</mark>`;
// A draft ticket's text becomes an OR of its most frequent words, at most this many.
const SUGGESTION_TERMS = 24;

type SearchMode = 'fts' | 'similar';
/** A page of hits, and the cursor that resumes after any one of them (GraphQL edges). */
export type SearchPage = Page<KbSearchHit> & { cursorOf: (hit: KbSearchHit) => string };

interface HitRow extends QueryResultRow {
  id: string;
  slug: string;
  title: string;
  kind: KbSearchHit['kind'];
  locale: KbLocale;
  categoryId: string | null;
  videoUrl: string | null;
  tags: string[];
  snippet: string;
  score: number;
}

/**
 * Full-text search over published articles (every reader gets the same results: drafts are never searched), stemmed
 * in each article's language, titles weighted over bodies, with highlighted snippets; when the words match nothing, a
 * typo-tolerant search of titles by trigram similarity. Suggestions reuse it for a ticket's or a draft's text.
 */
@Injectable()
export class KbSearchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly deflections: KbDeflections,
  ) {}

  /** `locale` omitted: every locale (the `russian` configuration stems Latin words as English, Cyrillic as Russian). */
  async search(_reader: Actor | null, q: string, locale: KbLocale | undefined, page: PageRequest): Promise<SearchPage> {
    const mode = page.cursor ? this.cursorMode(page) : 'fts';
    const query = `websearch_to_tsquery('${CONFIG_OF[locale ?? 'ru']}', $1)`;
    if (mode === 'fts') {
      const result = await this.ranked(query, [q], locale, page);
      // Letter-by-letter likeness of a word or two shorter than this is noise ("the" is like every title holding it).
      if (result.data.length > 0 || page.cursor || q.trim().length < MIN_TYPO_QUERY) return result;
    }
    return this.similarTitles(q, locale, page);
  }

  /**
   * Articles likely to answer a ticket: its text (a filed ticket the caller can see, or a draft's subject and body) as
   * an OR of its words, in the given locale or else the text's own language. A customer's draft suggestions are kept
   * to count deflections.
   */
  async suggest(
    reader: Actor | null,
    input: { text?: string; ticketId?: string; locale?: KbLocale },
    page: PageRequest,
  ): Promise<SearchPage> {
    if (!input.text === !input.ticketId)
      throw DomainError.validation([{ field: 'text', message: 'give exactly one of text and ticketId' }]);
    let text = input.text ?? '';
    if (input.ticketId) {
      if (!reader) throw new DomainError('UNAUTHENTICATED', 'Suggestions for a ticket need a bearer token');
      const ticket = await this.access.findVisible(reader, input.ticketId);
      text = `${ticket.subject}\n${ticket.description}`;
    }
    const locale = input.locale ?? (/[\u0400-\u04ff]/.test(text) ? 'ru' : 'en');
    const terms = `(SELECT coalesce(string_agg(quote_literal(lexeme), ' | '), '')::tsquery FROM (
        SELECT lexeme FROM unnest(to_tsvector('${CONFIG_OF[locale]}', $1)) ORDER BY cardinality(positions) DESC, lexeme LIMIT ${SUGGESTION_TERMS}) w)`;
    if (page.cursor) this.cursorMode(page);
    const result = await this.ranked(terms, [text], locale, page);
    if (reader && input.text && !page.cursor)
      await this.deflections.shown(
        reader,
        result.data.map((hit) => hit.id),
      );
    return result;
  }

  /**
   * Ranks the capped candidate set, pages by (score, id), and makes snippets for the page only. The articles whose title
   * matches come first; only when fewer than TITLE_CANDIDATES do, the bodies are searched too (a common word then costs
   * one small index scan, not a walk of every article that mentions it). A prepared statement per shape: planning the
   * statement cost more than running it.
   */
  private async ranked(query: string, params: unknown[], locale: KbLocale | undefined, page: PageRequest): Promise<SearchPage> {
    const values = [...params];
    const where = [`status = 'published'`];
    if (locale) where.push(`locale = $${values.push(locale)}`);
    const after = this.after(page, values);
    // The page's rows get snippets; the one row more only tells whether a next page exists.
    const limit = `$${values.push(page.limit)}::int`;
    const sql = `
      WITH q AS (SELECT ${query} AS query),
      titled AS (
        SELECT a.id, ts_rank(a.search, q.query, 1) AS score FROM kb_article a, q
        WHERE a."searchTitle" @@ q.query AND ${where.join(' AND ')} LIMIT ${TITLE_CANDIDATES}),
      ranked AS (
        SELECT * FROM titled
        UNION
        (SELECT a.id, ts_rank(a.search, q.query, 1) AS score FROM kb_article a, q
         WHERE (SELECT count(*) FROM titled) < ${TITLE_CANDIDATES} AND a.search @@ q.query AND ${where.join(' AND ')} LIMIT ${CANDIDATES})),
      page AS (SELECT *, row_number() OVER (ORDER BY score DESC, id DESC) AS n FROM ranked WHERE ${after}
        ORDER BY score DESC, id DESC LIMIT ${limit} + 1)
      SELECT a.id, a.slug, a.title, a.kind, a.locale, a."categoryId", a."videoUrl", a.tags, p.score,
        CASE WHEN p.n <= ${limit} THEN ts_headline(${KB_CONFIG.replaceAll('"locale"', 'a.locale')},
          left(a.body || ' ' || a.transcript, ${HEADLINE_CHARS}), q.query, '${HEADLINE}') END AS snippet
      FROM page p JOIN kb_article a ON a.id = p.id, q
      ORDER BY p.score DESC, p.id DESC`;
    return this.pageOf(await this.read(sql, values, page), page.limit, 'fts');
  }

  /**
   * The fallback when no word matched: titles most like the query, letter by letter (pg_trgm word similarity), among
   * the first SIMILAR_CANDIDATES the trigram index yields (filtered by status and locale after it: combined with another
   * index, the planner read half the table).
   */
  private async similarTitles(q: string, locale: KbLocale | undefined, page: PageRequest): Promise<SearchPage> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(TYPO_SIMILARITY)]);
      const values: unknown[] = [q];
      const where = [`status = 'published'`];
      if (locale) where.push(`locale = $${values.push(locale)}`);
      const after = this.after(page, values);
      const limit = `$${values.push(page.limit + 1)}`;
      const sql = `
        WITH candidates AS MATERIALIZED (
          SELECT a.id, a.status, a.locale, word_similarity($1, a.title) AS score FROM kb_article a WHERE $1 <% a.title
          LIMIT ${SIMILAR_CANDIDATES})
        SELECT a.id, a.slug, a.title, a.kind, a.locale, a."categoryId", a."videoUrl", a.tags, c.score, left(a.body, 200) AS snippet
        FROM (SELECT id, score FROM candidates WHERE ${where.join(' AND ')} AND ${after} ORDER BY score DESC, id DESC LIMIT ${limit}) c
        JOIN kb_article a ON a.id = c.id
        ORDER BY c.score DESC, c.id DESC`;
      return this.pageOf(await this.read(sql, values, page, em), page.limit, 'similar');
    });
  }

  /** A prepared statement named after its shape; a cursor whose values the database refuses is the caller's 400. */
  private async read(sql: string, values: unknown[], page: PageRequest, em?: EntityManager): Promise<HitRow[]> {
    try {
      return em
        ? await preparedIn<HitRow>(em, namedStatement(sql), values)
        : await preparedRead<HitRow>(this.dataSource, namedStatement(sql), values);
    } catch (error) {
      if (page.cursor && isDataException(error)) throw invalidCursor(page.cursorArg);
      throw error;
    }
  }

  /** The keyset condition after the cursor's (score, id); `true` on the first page. */
  private after(page: PageRequest, values: unknown[]): string {
    if (!page.cursor) return 'true';
    const [, score, id] = decodeCursor(page.cursor, 3, page.cursorArg);
    if (typeof score !== 'number' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw invalidCursor(page.cursorArg);
    return `(score, id) < ($${values.push(score)}::real, $${values.push(id)}::uuid)`;
  }

  /** Which list a cursor continues: the full-text one, or the typo-tolerant one it fell back to. */
  private cursorMode(page: PageRequest): SearchMode {
    const [mode] = decodeCursor(page.cursor!, 3, page.cursorArg);
    if (mode !== 'fts' && mode !== 'similar') throw invalidCursor(page.cursorArg);
    return mode;
  }

  private pageOf(rows: HitRow[], limit: number, mode: SearchMode): SearchPage {
    const data = rows.slice(0, limit).map((r) => ({ ...r, score: Number(r.score) }));
    const last = data.at(-1);
    const cursorOf = (hit: KbSearchHit) => encodeCursor([mode, hit.score, hit.id]);
    return { data, nextCursor: rows.length > limit && last ? cursorOf(last) : null, cursorOf };
  }
}
