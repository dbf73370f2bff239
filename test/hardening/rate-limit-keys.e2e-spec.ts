import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../../src/api-keys/api-key.entity';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app';

const LIMIT = 30;

async function hit(
  t: TestApp,
  authorization: string | undefined,
  init: { path?: string; method?: string; body?: object; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (authorization) headers.authorization = authorization;
  if (init.body) headers['content-type'] = 'application/json';
  const res = await fetch(t.url + (init.path ?? '/v1/me'), {
    method: init.method ?? 'GET',
    headers,
    body: init.body && JSON.stringify(init.body),
  });
  await res.arrayBuffer();
  return { status: res.status, remaining: res.headers.get('ratelimit-remaining'), limit: res.headers.get('ratelimit-limit') };
}

// Rate limits were keyed on the raw Authorization header: every made-up bearer got a fresh bucket (and each unknown
// `tdk_` a database lookup), GraphQL reads were charged as writes, and unmatched paths were not counted at all.
describe('Rate-limit buckets (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'true' } });
  });
  afterAll(() => t.close());

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  it("made-up bearers share their address's bucket: the limit holds however many garbage tokens are sent", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) statuses.push((await hit(t, `Bearer garbage-${randomUUID()}`, from('203.0.113.7'))).status);
    expect(statuses.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
    // Another address, and a verified caller from the same one, still have their own budgets.
    expect((await hit(t, `Bearer garbage-${randomUUID()}`, from('203.0.113.8'))).status).toBe(401);
    expect((await hit(t, `Bearer ${tokenFor(`rl-${randomUUID()}`)}`, from('203.0.113.7'))).status).toBe(200);
  });

  it('a verified caller pays from their own bucket, whichever of their tokens they send', async () => {
    const sub = `rl-${randomUUID()}`;
    const first = await hit(t, `Bearer ${tokenFor(sub)}`);
    const second = await hit(t, `Bearer ${tokenFor(sub, 'customer', { name: 'renewed' })}`);
    expect([first.remaining, second.remaining]).toEqual([String(LIMIT - 1), String(LIMIT - 2)]);
  });

  it('an unknown tdk_ secret is looked up once, then refused from memory', async () => {
    const dataSource = t.app.get(DataSource);
    const spy = jest.spyOn(dataSource, 'getRepository');
    const secret = `Bearer tdk_${randomBytes(32).toString('base64url')}`;
    try {
      for (let i = 0; i < 10; i++) expect((await hit(t, secret, from(`198.51.100.${i}`))).status).toBe(401);
      expect(spy.mock.calls.filter(([target]) => target === ApiKeyEntity)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('unmatched paths are counted and carry the RateLimit headers', async () => {
    const auth = `Bearer ${tokenFor(`rl-${randomUUID()}`)}`;
    const first = await hit(t, auth, { path: '/v1/nowhere' });
    const second = await hit(t, auth, { path: '/v1/nowhere/else' });
    expect([first.status, second.status]).toEqual([404, 404]);
    expect([first.limit, first.remaining, second.remaining]).toEqual([String(LIMIT), String(LIMIT - 1), String(LIMIT - 2)]);
  });

  it('a GraphQL query costs like a GET, a mutation like a write', async () => {
    const auth = `Bearer ${tokenFor(`rl-${randomUUID()}`, 'customer')}`;
    const query = await hit(t, auth, { path: '/graphql', method: 'POST', body: { query: '{ me { id } a: me { id } }' } });
    expect(query.status).toBe(200);
    expect(query.remaining).toBe(String(LIMIT - 1));
    const mutation = await hit(t, auth, {
      path: '/graphql',
      method: 'POST',
      body: { query: 'mutation { createTicket(input: { subject: "s", description: "d" }) { id } }' },
    });
    expect(mutation.status).toBe(200);
    expect(mutation.remaining).toBe(String(LIMIT - 3));
  });
});
