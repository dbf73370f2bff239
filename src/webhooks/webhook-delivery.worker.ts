import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { JobQueue } from '../jobs/job-queue.js';
import { FAILING_LIMIT_MS, nextAttemptDelay } from './retry-schedule.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookTarget, type AttemptOutcome } from './webhook-target.js';
import { CLEANUP_QUEUE, DELIVER_QUEUE, type DeliverJob } from './webhook-queue.js';

const KEEP_DELIVERIES_DAYS = 30;
// Per worker: with JOB_WORKERS (2) workers, up to 32 attempts in flight per replica.
const ATTEMPTS_AT_ONCE = 16;

interface Attempt {
  id: string;
  msgId: string;
  status: string;
  attempts: number;
  subscriptionId: string;
  url: string;
  active: boolean;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
  type: string;
  ticketId: string;
  ticketNumber: number;
  sequence: number;
  actorId: string | null;
  before: unknown;
  after: unknown;
  at: Date;
  eventId: string;
}

/**
 * Makes delivery attempts: signs (Standard Webhooks), POSTs through the SSRF guard, records the outcome on the delivery
 * and schedules the next attempt itself (the spec's schedule, Retry-After honoured). The HTTP call runs outside any
 * transaction; a job that lost a race with another attempt (its number is stale) records nothing.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly target: WebhookTarget,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // An attempt mostly waits on the target (up to the timeout): a batch's attempts overlap.
    this.jobs.register<DeliverJob>(DELIVER_QUEUE, (job) => this.attempt(job), { concurrency: ATTEMPTS_AT_ONCE });
    this.jobs.register(CLEANUP_QUEUE, () => this.cleanUp(), { cron: '23 3 * * *' });
  }

  async attempt(job: DeliverJob): Promise<void> {
    const [row]: Attempt[] = await this.dataSource.query(
      `SELECT d.id, d."msgId", d.status, d.attempts, d."subscriptionId", s.url, s.active, s."secretEncrypted",
              s."previousSecretEncrypted", s."previousSecretExpiresAt", e.id AS "eventId", e.type, e."ticketId",
              t.number AS "ticketNumber", e.sequence, e."actorId", e.before, e.after, e.at
         FROM webhook_delivery d
         JOIN webhook_subscription s ON s.id = d."subscriptionId"
         JOIN ticket_event e ON e.id = d."eventId"
         JOIN ticket t ON t.id = e."ticketId"
        WHERE d.id = $1`,
      [job.deliveryId],
    );
    if (!row || row.status !== 'pending' || row.attempts !== job.attempt - 1) return;
    if (!row.active) {
      await this.dataSource.query(
        `UPDATE webhook_delivery SET status = 'disabled', "nextAttemptAt" = NULL WHERE id = $1 AND status = 'pending'`,
        [row.id],
      );
      return;
    }
    const body = payloadOf(row);
    const outcome = await this.target.post(row.url, this.headers(row, body), body);
    await this.record(row, outcome);
  }

  /** The payload: a pure function of the event, so every attempt and replay sends the same bytes. */
  private headers(row: Attempt, body: string): Record<string, string> {
    // The timestamp is the wall clock's: receivers check it against theirs (±5 min), not against our test clock.
    const sentAt = new Date();
    const secrets = [this.secrets.decrypt(row.secretEncrypted)];
    if (row.previousSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > this.clock.now())
      secrets.push(this.secrets.decrypt(row.previousSecretEncrypted));
    return {
      'webhook-id': row.msgId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': secrets.map((s) => new Webhook(s).sign(row.msgId, sentAt, body)).join(' '),
    };
  }

  private async record(row: Attempt, outcome: AttemptOutcome): Promise<void> {
    const now = this.clock.date();
    const attempts = row.attempts + 1;
    const status = outcome.status;
    const succeeded = status !== null && status >= 200 && status < 300;
    await this.dataSource.transaction(async (em) => {
      let next: Date | null = null;
      let disable: string | null = null;
      if (succeeded) {
        await em.query(`UPDATE webhook_subscription SET "failingSince" = NULL WHERE id = $1 AND "failingSince" IS NOT NULL`, [
          row.subscriptionId,
        ]);
      } else if (status === 410) {
        disable = 'gone';
      } else {
        const [[{ failingSince }]]: [{ failingSince: Date }[], number] = await em.query(
          `UPDATE webhook_subscription SET "failingSince" = COALESCE("failingSince", $2) WHERE id = $1 RETURNING "failingSince"`,
          [row.subscriptionId, now],
        );
        if (now.getTime() - failingSince.getTime() >= FAILING_LIMIT_MS) disable = 'failing';
        else {
          const delay = nextAttemptDelay(attempts, outcome.retryAfterMs);
          if (delay !== null) next = new Date(now.getTime() + delay);
        }
      }
      const [, affected] = await em.query(
        `UPDATE webhook_delivery SET status = $3::text::webhook_delivery_status, attempts = $2, "lastResponseCode" = $4, "lastDurationMs" = $5, "lastError" = $6,
                "lastAttemptAt" = $7, "nextAttemptAt" = $8, "deliveredAt" = CASE WHEN $3::text = 'succeeded' THEN $7 ELSE "deliveredAt" END
          WHERE id = $1 AND attempts = $2 - 1 AND status = 'pending'`,
        [row.id, attempts, succeeded ? 'succeeded' : next ? 'pending' : 'failed', status, outcome.durationMs, outcome.error, now, next],
      );
      if (affected !== 1) return; // another attempt recorded first
      if (next) await this.jobs.schedule(em, DELIVER_QUEUE, { deliveryId: row.id, attempt: attempts + 1 } satisfies DeliverJob, next);
      if (disable) {
        await em.query(
          `UPDATE webhook_subscription SET active = false, "disabledReason" = $2, "disabledAt" = $3, version = version + 1
            WHERE id = $1 AND active`,
          [row.subscriptionId, disable, now],
        );
        this.logger.warn(`Webhook ${row.subscriptionId} disabled (${disable}): ${outcome.error ?? `HTTP ${status}`}`);
      }
    });
  }

  /** The delivery log is kept 30 days. */
  async cleanUp(): Promise<void> {
    const cutoff = new Date(this.clock.now() - KEEP_DELIVERIES_DAYS * 86_400_000);
    for (;;) {
      const [, deleted] = await this.dataSource.query(
        `DELETE FROM webhook_delivery WHERE id IN (SELECT id FROM webhook_delivery WHERE "createdAt" < $1 LIMIT 5000)`,
        [cutoff],
      );
      if (deleted < 5000) return;
    }
  }
}

/** `{ type, timestamp, data }` per the Standard Webhooks payload shape; `sequence` lets receivers order a ticket's events. */
function payloadOf(row: Attempt): string {
  return JSON.stringify({
    type: row.type,
    timestamp: new Date(row.at).toISOString(),
    data: {
      eventId: row.eventId,
      ticketId: row.ticketId,
      ticketNumber: row.ticketNumber,
      sequence: row.sequence,
      actorId: row.actorId,
      before: row.before,
      after: row.after,
    },
  });
}
