import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '../actor/actor.js';
import { Clock } from '../common/clock/clock.js';
import { newId } from '../common/ids.js';
import { JobQueue } from '../jobs/job-queue.js';

export const KB_DEFLECTION_QUEUE = 'kb-deflection-check';
const DAY_MS = 24 * 3_600_000;
// Suggestions asked for while one draft is typed are one impression: asking again within the hour adds to it.
const SESSION_MS = 3_600_000;

/**
 * Deflections, defined so that each one is a customer who was helped without a ticket: a signed-in customer asks for
 * suggestions for the text of a ticket they have not filed (`GET /v1/kb/suggestions?text=`), opens a suggested article
 * within 24 hours, and files no ticket in the 24 hours after the suggestion. 24 hours after it a job checks, once:
 * every article the customer opened from it then counts one deflection. Articles only shown, and anonymous readers
 * (who cannot be followed to a ticket), never count.
 */
@Injectable()
export class KbDeflections {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
  ) {}

  /** Suggestions shown to a customer for a draft: kept (with the check 24 h on) to be counted later. */
  async shown(customer: Actor, articleIds: string[]): Promise<void> {
    if (customer.role !== 'customer' || articleIds.length === 0) return;
    const now = this.clock.date();
    await this.dataSource.transaction(async (em) => {
      const [open]: { id: string }[] = await em.query(
        `SELECT id FROM kb_suggestion WHERE "userId" = $1 AND "createdAt" > $2 AND "ticketFiled" IS NULL ORDER BY "createdAt" DESC LIMIT 1`,
        [customer.id, new Date(now.getTime() - SESSION_MS)],
      );
      let suggestionId = open?.id;
      if (!suggestionId) {
        suggestionId = newId();
        await em.query(`INSERT INTO kb_suggestion (id, "userId", "createdAt") VALUES ($1, $2, $3)`, [suggestionId, customer.id, now]);
        await this.jobs.schedule(em, KB_DEFLECTION_QUEUE, { suggestionId }, new Date(now.getTime() + DAY_MS));
      }
      await em.query(
        `INSERT INTO kb_suggestion_article ("suggestionId", "articleId") SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
        [suggestionId, articleIds],
      );
    });
  }

  /** A customer opened an article: the suggestions of the last 24 h that showed it remember so. */
  async opened(reader: Actor, articleId: string): Promise<void> {
    if (reader.role !== 'customer') return;
    const now = this.clock.date();
    await this.dataSource.query(
      `UPDATE kb_suggestion_article sa SET "openedAt" = $3
       FROM kb_suggestion s
       WHERE s.id = sa."suggestionId" AND s."userId" = $1 AND sa."articleId" = $2 AND sa."openedAt" IS NULL
         AND s."ticketFiled" IS NULL AND s."createdAt" > $4`,
      [reader.id, articleId, now, new Date(now.getTime() - DAY_MS)],
    );
  }

  /** The check 24 h after a suggestion; idempotent (a settled suggestion is skipped), as jobs may run twice. */
  async settle(suggestionId: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      // UPDATE … RETURNING comes back from TypeORM as [rows, count].
      const [[settled]]: [{ ticketFiled: boolean }[]] = await em.query(
        `UPDATE kb_suggestion s SET "ticketFiled" = EXISTS (
           SELECT 1 FROM ticket t WHERE t."requesterId" = s."userId" AND t."createdAt" >= s."createdAt"
             AND t."createdAt" < s."createdAt" + interval '24 hours')
         WHERE s.id = $1 AND s."ticketFiled" IS NULL RETURNING s."ticketFiled"`,
        [suggestionId],
      );
      if (!settled || settled.ticketFiled) return;
      await em.query(
        `UPDATE kb_article SET deflections = deflections + 1
         WHERE id IN (SELECT "articleId" FROM kb_suggestion_article WHERE "suggestionId" = $1 AND "openedAt" IS NOT NULL)`,
        [suggestionId],
      );
    });
  }
}
