import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { JobQueue } from '../jobs/job-queue.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { DELIVER_QUEUE, type DeliverJob } from './webhook-queue.js';

/**
 * Turns committed events into deliveries: a row and a first-attempt job for each matching active subscription, in the
 * transaction that marks the events published. A crash before that commit leaves them unpublished, and the sweep after
 * the restart fans them out; a batch handed over twice finds its rows there already (unique) and schedules nothing.
 */
@Injectable()
export class WebhookFanOut implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxDispatcher,
    private readonly jobs: JobQueue,
  ) {}

  onModuleInit(): void {
    this.outbox.addConsumer((em, eventIds) => this.fanOut(em, eventIds), this.jobs.started);
  }

  async fanOut(em: EntityManager, eventIds: string[]): Promise<void> {
    // Internal-note events reach only subscriptions that include them; a tier or priority filter is judged on the ticket
    // as it is now, when the event is dispatched.
    const matches: { eventId: string; subscriptionId: string }[] = await em.query(
      `SELECT e.id AS "eventId", s.id AS "subscriptionId"
         FROM ticket_event e
         JOIN ticket t ON t.id = e."ticketId"
         JOIN webhook_subscription s ON s.active
              AND (e.type = ANY(s.events) OR '*' = ANY(s.events))
              AND (NOT e.internal OR s."includeInternal")
              AND (cardinality(s.priorities) = 0 OR t.priority::text = ANY(s.priorities))
              AND (NOT EXISTS (SELECT 1 FROM webhook_subscription_tier w WHERE w."subscriptionId" = s.id)
                   OR EXISTS (SELECT 1 FROM webhook_subscription_tier w WHERE w."subscriptionId" = s.id AND w."tierId" = t."tierId"))
        WHERE e.id = ANY($1::uuid[]) AND e.type = ANY($2::text[])
        ORDER BY e.position, s.id`,
      [eventIds, WEBHOOK_EVENT_TYPES],
    );
    if (matches.length === 0) return;
    const ids = matches.map(() => newId());
    const inserted: { id: string }[] = await em.query(
      `INSERT INTO webhook_delivery (id, "subscriptionId", "eventId", "msgId", "nextAttemptAt")
       SELECT d.id, d.sub, d.ev, 'msg_' || replace(d.id::text, '-', ''), now()
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS d(id, sub, ev)
       ON CONFLICT ("subscriptionId", "eventId") DO NOTHING
       RETURNING id`,
      [ids, matches.map((m) => m.subscriptionId), matches.map((m) => m.eventId)],
    );
    // "At once" is the database's now: a test's clock may run ahead of it, and a job is due by the database's time.
    const runAt = new Date();
    await this.jobs.scheduleMany(
      em,
      DELIVER_QUEUE,
      inserted.map((r) => ({ data: { deliveryId: r.id, attempt: 1 } satisfies DeliverJob, runAt })),
    );
  }
}
