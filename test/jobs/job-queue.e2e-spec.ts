import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { createHook } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobQueue } from '../../src/jobs/job-queue';
import { createTestApp, type TestApp } from '../support/test-app';

const QUEUE = 'test-job-queue';

/** A queue of the test's own: jobs fail when asked to, or wait at a gate the test opens. */
@Injectable()
class GatedWorker implements OnModuleInit {
  readonly ran: string[] = [];
  readonly started: string[] = [];
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => undefined;

  constructor(private readonly jobs: JobQueue) {}

  onModuleInit(): void {
    this.jobs.register<{ key: string; fail?: boolean }>(
      QUEUE,
      async ({ key, fail }) => {
        this.started.push(key);
        await this.gate;
        if (fail) throw new Error(`job ${key} fails`);
        this.ran.push(key);
      },
      { batchSize: 10 },
    );
  }

  closeGate(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.openGate();
  }
}

@Module({ providers: [GatedWorker] })
class GatedWorkerModule {}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/** The stacks of the timers set while `during` runs, of code whose path matches `source`. */
async function timersSetBy(source: RegExp, during: () => Promise<unknown>): Promise<string[]> {
  const stacks: string[] = [];
  const hook = createHook({
    init(_id, type) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      if (source.test(stack)) stacks.push(stack);
    },
  }).enable();
  try {
    await during();
  } finally {
    hook.disable();
  }
  return stacks;
}

describe('Job queue (e2e)', () => {
  let t: TestApp;
  let worker: GatedWorker;
  let stopped: boolean;
  const stop = async () => {
    stopped = true;
    await t.close();
  };

  const schedule = (jobs: { key: string; fail?: boolean }[]) =>
    t.dataSource.transaction((em) =>
      t.app.get(JobQueue).scheduleMany(
        em,
        QUEUE,
        jobs.map((data) => ({ data, runAt: new Date() })),
      ),
    );
  const states = async (keys: string[]) =>
    Object.fromEntries(
      (
        (await t.dataSource.query(`SELECT data->>'key' AS key, state FROM pgboss.job WHERE name = $1 AND data->>'key' = ANY($2)`, [
          QUEUE,
          keys,
        ])) as { key: string; state: string }[]
      ).map((r) => [r.key, r.state]),
    );

  beforeEach(async () => {
    stopped = false;
    t = await createTestApp({ imports: [GatedWorkerModule], env: { JOB_POLL_SECONDS: '1' } });
    worker = t.app.get(GatedWorker);
  });
  afterEach(async () => {
    worker.open();
    if (!stopped) await t.close();
  });

  it('a failing job is retried alone; the others of its batch complete', async () => {
    const keys = [`a-${Date.now()}`, `b-${Date.now()}`, `c-${Date.now()}`];
    await schedule([{ key: keys[0] }, { key: keys[1], fail: true }, { key: keys[2] }]);
    const seen = await until(
      () => states(keys),
      (s) => s[keys[0]] === 'completed' && s[keys[2]] === 'completed' && s[keys[1]] === 'retry',
    );
    expect(seen).toEqual({ [keys[0]]: 'completed', [keys[1]]: 'retry', [keys[2]]: 'completed' });
    expect([...worker.ran].sort()).toEqual([keys[0], keys[2]].sort()); // each ran once: the failure retried no other
  });

  it('shutdown waits for the running job to finish', async () => {
    const key = `gated-${Date.now()}`;
    worker.closeGate();
    await schedule([{ key }]);
    await until(
      async () => worker.started.length,
      (n) => n > 0,
    );

    let closed = false;
    const closing = stop().then(() => (closed = true));
    await sleep(500);
    expect(closed).toBe(false);
    worker.open();
    await closing;
    expect(worker.ran).toEqual([key]);
  });

  // The embedded pool has one connection: a statement holding it while the app stops leaves the workers waiting for
  // it. pg-boss's own workers never got it from the closing pool, and its stop polled for them forever (a timer per
  // second, long after the app was gone).
  it('stopping while the workers wait for a busy connection leaves no timer behind', async () => {
    // On a server the pool's end may cut this statement off; only the timers matter here.
    const holding = t.dataSource.query('SELECT pg_sleep(1.5)').catch(() => undefined);
    await sleep(1_200); // every worker's next fetch is now queued behind the sleep
    await Promise.all([stop(), holding]);
    expect(await timersSetBy(/node_modules\/pg-boss\/|src\/jobs\//, () => sleep(2_500))).toEqual([]);
  });
});
