import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { probeFixture } from '../support/probe/probe.module';
import { bearer, callerId, createTestApp, type TestApp } from '../support/test-app';

describe('Idempotency-Key (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(probeFixture);
  });
  afterAll(() => t.close());

  const post = (sub: string, key: string | undefined, body: object, path = '/v1/probes') => {
    const req = request(t.url).post(path).set(bearer(sub));
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const probeCount = async (sub: string): Promise<number> =>
    (await t.dataSource.query('SELECT count(*)::int AS n FROM probe WHERE owner = $1', [await callerId(t, sub)]))[0].n;
  // Keys are random per test, so the key alone finds the test's row whatever the caller's scope looks like.
  const storedKeys = async (key: string): Promise<number> =>
    (await t.dataSource.query('SELECT count(*)::int AS n FROM idempotency_key WHERE key = $1', [key]))[0].n;

  it('POST /v1/probes twice with one key → the second replays the first (status, body, ETag) and writes nothing', async () => {
    const sub = newSub();
    const key = randomUUID();
    const first = await post(sub, key, { name: 'once', rank: 1 });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await post(sub, key, { name: 'once', rank: 1 });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(await probeCount(sub)).toBe(1);
  });

  it('POST /v1/probes with the same key and the same body in another key order → replayed', async () => {
    const sub = newSub();
    const key = randomUUID();
    const first = await post(sub, key, { name: 'ordered', rank: 2 }).expect(201);
    const second = await post(sub, key, { rank: 2, name: 'ordered' }).expect(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });

  it('POST /v1/probes/echo (200 route) replays its own status and the very same body', async () => {
    const sub = newSub();
    const key = randomUUID();
    const first = await post(sub, key, { name: 'echo', rank: 3 }, '/v1/probes/echo').expect(200);
    await sleep(5); // the body carries Date.now(): a re-run would differ
    const second = await post(sub, key, { name: 'echo', rank: 3 }, '/v1/probes/echo').expect(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('POST /v1/probes with a used key and a different body → 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
    const sub = newSub();
    const key = randomUUID();
    await post(sub, key, { name: 'first', rank: 1 }).expect(201);
    const res = await post(sub, key, { name: 'second', rank: 1 });
    expectProblem(res, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await probeCount(sub)).toBe(1);
  });

  it('POST /v1/probes while the first request with the key is in flight → 409 CONFLICT; after it completes, a retry replays', async () => {
    const sub = newSub();
    const key = randomUUID();
    const body = { name: 'slow', rank: 1, delayMs: 1500 };
    // Wait until the first request holds the key. Not by polling the table: on the embedded database that read would
    // queue behind the first request's open transaction.
    const claim = jest.spyOn(t.app.get(IdempotencyService), 'claim');
    const first = post(sub, key, body).then((r) => r); // start it now
    await waitFor(async () => claim.mock.calls.length > 0);
    await claim.mock.results[0].value;
    claim.mockRestore();
    const second = await post(sub, key, body);
    expectProblem(second, 409, 'CONFLICT');
    const firstRes = await first;
    expect(firstRes.status).toBe(201);
    const third = await post(sub, key, body).expect(201);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(third.body).toEqual(firstRes.body);
    expect(await probeCount(sub)).toBe(1);
  });

  it('POST /v1/probes with one key from two different callers → two independent rows', async () => {
    const [ann, bob] = [newSub(), newSub()];
    const key = randomUUID();
    const a = await post(ann, key, { name: 'shared key', rank: 1 }).expect(201);
    const b = await post(bob, key, { name: 'shared key', rank: 1 }).expect(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.owner).toBe(await callerId(t, bob));
    expect([await probeCount(ann), await probeCount(bob)]).toEqual([1, 1]);
  });

  it.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['with a space', 'has space'],
    ['with a character outside ASCII', 'clé'],
  ])('POST /v1/probes with an Idempotency-Key %s → 400 naming Idempotency-Key, nothing written', async (_, key) => {
    const sub = newSub();
    const res = await post(sub, key, { name: 'x', rank: 1 });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['Idempotency-Key']);
    expect(await probeCount(sub)).toBe(0);
  });

  it('POST /v1/probes with a key of exactly 255 characters is accepted', async () => {
    await post(newSub(), 'k'.repeat(255), { name: 'x', rank: 1 }).expect(201);
  });

  it('POST /v1/probes that fails (500) stores nothing; a retry with the same key runs again (not replayed, not 409)', async () => {
    const sub = newSub();
    const key = randomUUID();
    const body = { name: 'doomed', rank: 1, fail: 'after-write' };
    expectProblem(await post(sub, key, body), 500, 'INTERNAL');
    expect(await storedKeys(key)).toBe(0);
    expect(await probeCount(sub)).toBe(0);
    const retry = await post(sub, key, body);
    expectProblem(retry, 500, 'INTERNAL');
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await storedKeys(key)).toBe(0);
  });

  it('POST /v1/probes rejected by validation (400) stores nothing; the corrected request may reuse the key', async () => {
    const sub = newSub();
    const key = randomUUID();
    expectProblem(await post(sub, key, { name: 'x', rank: 101 }), 400, 'VALIDATION_FAILED');
    expect(await storedKeys(key)).toBe(0);
    const fixed = await post(sub, key, { name: 'x', rank: 100 }).expect(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('POST /v1/probes × 20 in parallel with one key → exactly one row; 201s (original or replay) or 409s', async () => {
    const sub = newSub();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(sub, key, { name: 'racer', rank: 1 })));
    for (const res of responses) expect([201, 409]).toContain(res.status);
    const created = responses.filter((r) => r.status === 201);
    expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const res of responses.filter((r) => r.status === 409)) expect(res.body.code).toBe('CONFLICT');
    expect(await probeCount(sub)).toBe(1);
  });

  it('POST /v1/probes with a key whose stored response has expired (24 h) → runs again as a fresh request', async () => {
    const sub = newSub();
    const key = randomUUID();
    const first = await post(sub, key, { name: 'old', rank: 1 }).expect(201);
    const [{ ttl }] = await t.dataSource.query(
      `SELECT extract(epoch FROM "expiresAt" - "createdAt")::int AS ttl FROM idempotency_key WHERE key = $1`,
      [key],
    );
    expect(ttl).toBeGreaterThanOrEqual(24 * 3600 - 5);
    expect(ttl).toBeLessThanOrEqual(24 * 3600 + 5);
    await t.dataSource.query(`UPDATE idempotency_key SET "expiresAt" = now() - interval '1 second' WHERE key = $1`, [key]);
    // A different body too: an expired key is forgotten entirely, so it is not "reused".
    const second = await post(sub, key, { name: 'new', rank: 2 }).expect(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.id).not.toBe(first.body.id);
    expect(await probeCount(sub)).toBe(2);
    const third = await post(sub, key, { name: 'new', rank: 2 }).expect(201);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(third.body.id).toBe(second.body.id);
  });
});

function newSub(): string {
  return `idem-${randomUUID()}`;
}

function expectProblem(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
