import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { failpoint } from '../common/failpoints/failpoints.js';
import { EventBus } from './event-bus.js';

const BATCH = 200;
// Held (transaction-scoped) by the replica dispatching: see announceBatch().
const DISPATCH_LOCK = 7_203_365_113;
// A sweep also catches rows another replica claimed and then died on, and rows left by a crash before dispatch.
const SWEEP_INTERVAL_MS = 2000;

/**
 * A consumer of committed events beyond live subscribers (webhooks): given each batch inside the transaction that marks
 * it published, so the hand-over commits with the marking or not at all. It must tolerate a batch seen twice.
 */
export type OutboxConsumer = (em: EntityManager, eventIds: string[]) => Promise<void>;

/**
 * Hands committed events to their consumers, marking them published only together with (PostgreSQL) or after (embedded)
 * the hand-over. Started on boot, so rows a crashed process left unpublished are picked up.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly consumers: OutboxConsumer[] = [];
  private consumersReady: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    this.poke();
    this.timer = setInterval(() => this.poke(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Features above events/ (webhooks) register here, from onModuleInit, so events/ never imports them. No batch is
   * handed over before `ready` settles (awaited outside any transaction: the embedded database serves one at a time).
   */
  addConsumer(consumer: OutboxConsumer, ready: Promise<unknown> = Promise.resolve()): void {
    this.consumers.push(consumer);
    this.consumersReady = Promise.all([this.consumersReady, ready]);
  }

  /** Ask for a dispatch round soon (called after every commit that wrote events). */
  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: Error) => this.logger.error(`Dispatch failed: ${error.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Waits for the round in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    await this.consumersReady;
    for (;;) {
      const dispatched = this.bus.crossReplica ? await this.announceBatch() : await this.deliverBatch();
      if (dispatched < BATCH) return;
    }
  }

  /**
   * PostgreSQL: claim a batch, mark it published and NOTIFY every replica in one transaction — PostgreSQL delivers the
   * notification exactly when the marking commits, so nothing is marked that is not announced, nor the reverse.
   */
  private async announceBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      // One replica dispatches at a time. With SKIP LOCKED alone, a replica could claim and announce a ticket's next
      // event while another still held the previous one uncommitted: subscribers would get them out of order.
      await em.query(`SET LOCAL lock_timeout = '5s'`);
      await em.query('SELECT pg_advisory_xact_lock($1)', [DISPATCH_LOCK]);
      const rows = await this.unpublished(em);
      if (rows.length === 0) return 0;
      failpoint('outbox.before-deliver');
      const eventIds = rows.map((r) => r.eventId);
      await this.handOver(em, eventIds);
      await this.markPublished(em, rows);
      await this.bus.announceInTransaction(em, eventIds);
      return rows.length;
    });
  }

  /**
   * The embedded database: one process, whose own consumers are the only ones. Hand them the batch first, then mark it
   * published: a crash in between delivers it again after the restart (at least once; consumers go by event id), while
   * marking first would lose it. Registered consumers get it in the marking transaction, as on PostgreSQL.
   */
  private async deliverBatch(): Promise<number> {
    const rows = await this.unpublished(this.dataSource.manager);
    if (rows.length === 0) return 0;
    failpoint('outbox.before-deliver');
    const eventIds = rows.map((r) => r.eventId);
    await this.bus.deliver(eventIds);
    await this.dataSource.transaction(async (em) => {
      await this.handOver(em, eventIds);
      await this.markPublished(em, rows);
    });
    return rows.length;
  }

  private async handOver(em: EntityManager, eventIds: string[]): Promise<void> {
    for (const consumer of this.consumers) await consumer(em, eventIds);
  }

  private unpublished(em: EntityManager): Promise<{ id: string; eventId: string }[]> {
    const lock = this.bus.crossReplica ? ' FOR UPDATE SKIP LOCKED' : '';
    return em.query(`SELECT id, "eventId" FROM outbox WHERE "publishedAt" IS NULL ORDER BY id LIMIT ${BATCH}${lock}`);
  }

  private async markPublished(em: EntityManager, rows: { id: string }[]): Promise<void> {
    await em.query(`UPDATE outbox SET "publishedAt" = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }
}
