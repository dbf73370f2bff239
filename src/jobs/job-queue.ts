import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { afterCommit } from '../database/after-commit.js';
import { namedStatement, preparedIn } from '../database/prepared-read.js';

// How long shutdown waits for running jobs before closing anyway (a stuck job is retried after it expires).
const SHUTDOWN_WAIT_MS = 10_000;

export interface JobHandler<T> {
  (data: T): Promise<void>;
}

interface Registration {
  handler: JobHandler<object>;
  batchSize: number;
  /** How many of a batch's jobs run at once (default 1): more only for handlers that mostly wait outside the database. */
  concurrency: number;
  afterBatch?: () => void;
  cron?: string;
}

/**
 * Deadlines and background work on pg-boss, in the application's own database: every replica shares one schedule and
 * each job is fetched by exactly one of them (SKIP LOCKED). pg-boss runs its SQL through TypeORM's pool rather than a
 * pool of its own, so the embedded database (which serves one connection safely) runs the very same engine.
 * Jobs are sent inside the caller's transaction: a change that rolls back schedules nothing.
 * Delivery is at-least-once (a crash mid-job retries it): handlers must be idempotent.
 *
 * The poll loops are ours, not pg-boss's `work`: shutdown awaits them before the pool closes. pg-boss's own workers
 * could be left waiting for a connection the closing pool never hands out, and its stop then polled for them forever.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly registrations = new Map<string, Registration>();
  private boss: PgBoss | null = null;
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  // Per queue, the idle waits of its workers: a job due at once, committed here, ends them (no poll interval's delay).
  private readonly idle = new Map<string, Set<AbortController>>();
  private markStarted!: () => void;
  /** Settles once jobs can be scheduled (pg-boss started and every registered queue created). */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    clock: Clock,
  ) {
    // Every worker of every queue waits on this signal between polls.
    setMaxListeners(0, this.stopping.signal);
    // Jobs run at clock time: when a test moves the clock, the jobs due by then are released now.
    clock.onAdvance((now) =>
      this.boss
        ? this.dataSource.query(`UPDATE pgboss.job SET start_after = now() WHERE state = 'created' AND start_after <= $1`, [now])
        : Promise.resolve(),
    );
  }

  /** Call from onModuleInit. With `cron`, pg-boss also sends the queue a job on that schedule (one replica per tick). */
  register<T extends object>(
    queue: string,
    handler: JobHandler<T>,
    options: { batchSize?: number; concurrency?: number; afterBatch?: () => void; cron?: string } = {},
  ): void {
    this.registrations.set(queue, {
      handler: handler as JobHandler<object>,
      batchSize: options.batchSize ?? 50,
      concurrency: options.concurrency ?? 1,
      ...options,
    });
  }

  /** Runs `queue`'s handler with `data` at `runAt` (or at once), if and only if the transaction of `em` commits. */
  async schedule(em: EntityManager, queue: string, data: object, runAt: Date): Promise<void> {
    await this.scheduleMany(em, queue, [{ data, runAt }]);
  }

  /** Several jobs of one queue in one statement, with the same guarantee as schedule. */
  async scheduleMany(em: EntityManager, queue: string, jobs: { data: object; runAt: Date }[]): Promise<void> {
    const runner = em.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('JobQueue.schedule must run inside a transaction');
    if (jobs.length === 0) return;
    // pg-boss's insert is one constant statement: prepared once per connection, it is not parsed and planned per create.
    const db = { executeSql: async (text: string, values: unknown[]) => ({ rows: await preparedIn(em, namedStatement(text), values) }) };
    await this.running().insert(
      jobs.map((j) => ({ name: queue, data: j.data, startAfter: j.runAt })),
      { db },
    );
    if (jobs.some((j) => j.runAt.getTime() <= Date.now())) afterCommit(em, () => this.wake(queue));
  }

  async onApplicationBootstrap(): Promise<void> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      schedule: [...this.registrations.values()].some((r) => r.cron),
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 120,
    });
    boss.on('error', (error: Error) => this.logger.error(`pg-boss: ${error.message}`));
    await boss.start();
    this.boss = boss;
    const { pollSeconds, workers } = this.config.jobs;
    for (const [queue, registration] of this.registrations) {
      await boss.createQueue(queue);
      if (registration.cron) await boss.schedule(queue, registration.cron);
      for (let i = 0; i < workers; i++) this.loops.push(this.poll(boss, queue, registration, pollSeconds * 1000));
    }
    this.markStarted();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Before the pool closes: let the running batches finish and the loops end, then stop pg-boss's own timers.
    this.stopping.abort();
    const giveUp = new AbortController();
    const timeout = sleep(SHUTDOWN_WAIT_MS, undefined, { signal: giveUp.signal }).catch(() => undefined);
    await Promise.race([Promise.all(this.loops), timeout]);
    giveUp.abort();
    await this.boss?.stop({ graceful: true, wait: true, close: false, timeout: SHUTDOWN_WAIT_MS });
    this.boss = null;
  }

  /** One worker: fetch a batch, run it, fetch again at once if it was full, else wait a poll interval. */
  private async poll(boss: PgBoss, queue: string, registration: Registration, intervalMs: number): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      let fetched = 0;
      try {
        const jobs = await boss.fetch<object>(queue, { batchSize: registration.batchSize });
        fetched = jobs.length;
        if (fetched > 0) await this.runBatch(boss, queue, registration, jobs);
      } catch (error) {
        if (!signal.aborted) this.logger.error(`Queue ${queue}: ${(error as Error).message}`);
      }
      if (fetched < registration.batchSize) await this.wait(queue, intervalMs);
    }
  }

  /** A poll interval, or less when a job due at once is committed to `queue` by this replica. */
  private async wait(queue: string, intervalMs: number): Promise<void> {
    const woken = new AbortController();
    const waits = this.idle.get(queue) ?? this.idle.set(queue, new Set()).get(queue)!;
    waits.add(woken);
    await sleep(intervalMs, undefined, { signal: AbortSignal.any([this.stopping.signal, woken.signal]) }).catch(() => undefined);
    waits.delete(woken);
  }

  private wake(queue: string): void {
    for (const waiting of this.idle.get(queue) ?? []) waiting.abort();
  }

  /**
   * One job at a time by default: each is its own short transaction, and the embedded pool has a single connection. A
   * queue whose jobs wait on the network (webhook attempts) runs `concurrency` of them at once.
   */
  private async runBatch(boss: PgBoss, queue: string, registration: Registration, jobs: PgBoss.Job<object>[]): Promise<void> {
    const done: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        try {
          await registration.handler(job.data);
          done.push(job.id);
        } catch (error) {
          // Only this job is retried (with backoff), not the batch's others.
          await boss.fail(queue, job.id, { message: (error as Error).message });
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(registration.concurrency, jobs.length) }, lane));
    } finally {
      if (done.length > 0) await boss.complete(queue, done);
      registration.afterBatch?.();
    }
  }

  private running(): PgBoss {
    if (!this.boss) throw new Error('The job queue has not started yet');
    return this.boss;
  }
}
