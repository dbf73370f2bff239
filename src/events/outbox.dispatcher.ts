import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EventBus } from './event-bus.js';

const BATCH = 200;
// Held (transaction-scoped) by the replica dispatching: see drain().
const DISPATCH_LOCK = 7_203_365_113;
// A sweep also catches rows another replica claimed and then died on, and rows left by a crash before dispatch.
const SWEEP_INTERVAL_MS = 2000;

/**
 * Hands committed events to their consumers exactly once across replicas (rows are claimed with SKIP LOCKED), then
 * marks them published. Started on boot, so rows a crashed process left unpublished are picked up.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    this.poke();
    this.timer = setInterval(() => this.poke(), SWEEP_INTERVAL_MS);
    this.timer.unref();
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
    for (;;) {
      const dispatched = await this.dataSource.transaction(async (em) => {
        // One replica dispatches at a time. With SKIP LOCKED alone, a replica could claim and announce a ticket's next
        // event while another still held the previous one uncommitted: subscribers would get them out of order.
        if (this.bus.crossReplica) {
          await em.query(`SET LOCAL lock_timeout = '5s'`);
          await em.query('SELECT pg_advisory_xact_lock($1)', [DISPATCH_LOCK]);
        }
        const rows: { id: string; eventId: string }[] = await em.query(
          `SELECT id, "eventId" FROM outbox WHERE "publishedAt" IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        if (rows.length === 0) return 0;
        await em.query(`UPDATE outbox SET "publishedAt" = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
        if (this.bus.crossReplica) await this.bus.announceInTransaction(em, rows.map((r) => r.eventId));
        return rows;
      });
      if (dispatched === 0) return;
      // One process owns the embedded database: after commit, its own subscribers are the only ones.
      if (!this.bus.crossReplica) await this.bus.deliver(dispatched.map((r) => r.eventId));
      if (dispatched.length < BATCH) return;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }
}
