import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp, type TestApp } from '../support/test-app';

describe('Database connections (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // What concurrent requests do: short transactions beside single statements, with parameters, on the one pool. The
  // embedded server once mixed such statements up between connections (electric-sql/pglite#1046).
  it('concurrent parameterized queries, in and out of transactions, each get their own rows, and nothing stalls', async () => {
    const failures: string[] = [];
    const wrong: string[] = [];
    const worker = async (w: number) => {
      for (let n = 0; n < 30; n++) {
        const i = w * 1000 + n;
        try {
          if (w % 2 === 0) {
            const [{ v }] = await t.dataSource.transaction(async (em) => {
              await em.query('SELECT $1::int AS v', [i]);
              return em.query('SELECT $1::int * 2 AS v', [i]);
            });
            if (v !== i * 2) wrong.push(`${i} * 2 gave ${v}`);
          } else {
            const [{ v }] = await t.dataSource.query("SELECT $1::text || '-' || $2::text AS v", [i, 'odd']);
            if (v !== `${i}-odd`) wrong.push(`${i}-odd gave ${v}`);
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const outcome = await Promise.race([
      Promise.all(Array.from({ length: 10 }, (_, w) => worker(w))).then(() => 'finished'),
      sleep(20_000, 'stalled', { ref: false }),
    ]);
    expect({ outcome, failures: failures.slice(0, 3), wrong: wrong.slice(0, 3) }).toEqual({ outcome: 'finished', failures: [], wrong: [] });
  });
});
