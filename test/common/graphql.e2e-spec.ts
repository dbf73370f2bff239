import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { probeFixture } from '../support/probe/probe.module';
import { ProbeService } from '../support/probe/probe.service';
import { bearer, callerId, createTestApp, type TestApp } from '../support/test-app';

// Small limits so each can be crossed by a small query while ordinary queries stay inside all of them.
const LIMITS = { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_ALIASES: '2', GRAPHQL_MAX_COST: '300', GRAPHQL_MAX_BATCH: '3' };

describe('GraphQL (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ...probeFixture, env: LIMITS });
  });
  afterAll(() => t.close());

  describe('limits', () => {
    it('query deeper than GRAPHQL_MAX_DEPTH → VALIDATION_FAILED; one at the limit runs', async () => {
      const deep = await gql(t, '{ __type(name: "Probe") { fields { type { ofType { name } } } } }'); // depth 5
      expectCode(deep.body, 'VALIDATION_FAILED');
      expect(deep.body.errors[0].message).toMatch(/depth limit of 3/);
      expect(deep.body.data).toBeUndefined();
      const atLimit = await gql(t, '{ __type(name: "Probe") { fields { name } } }'); // depth 3
      expect(atLimit.body.errors).toBeUndefined();
      expect(atLimit.body.data.__type.fields.map((f: { name: string }) => f.name)).toContain('ownerName');
    });

    it('introspection nested through types and fields (the circular-introspection attack) → VALIDATION_FAILED', async () => {
      // Whole `__schema` selections are exempt from the depth and cost limits, so the standard introspection query of
      // tools still runs; graphql-js bounds the nesting of its lists instead.
      const res = await gql(t, '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }');
      expectCode(res.body, 'VALIDATION_FAILED');
      expect(res.body.errors[0].message).toMatch(/introspection depth/i);
      expect(res.body.data).toBeUndefined();
    });

    it('query with more aliases than GRAPHQL_MAX_ALIASES → VALIDATION_FAILED; one at the limit runs', async () => {
      const tooMany = await gql(t, '{ a: health { status } b: health { status } c: health { status } }');
      expectCode(tooMany.body, 'VALIDATION_FAILED');
      expect(tooMany.body.errors[0].message).toMatch(/aliases limit of 2/i);
      const atLimit = await gql(t, '{ a: health { status } b: health { status } }');
      expect(atLimit.body).toEqual({ data: { a: { status: 'ok' }, b: { status: 'ok' } } });
    });

    it('query costlier than GRAPHQL_MAX_COST → VALIDATION_FAILED, before any resolver runs', async () => {
      const service = t.app.get(ProbeService);
      const batches = service.ownerBatches;
      const res = await gql(t, '{ probes(first: 100) { id name rank ownerName } }', { auth: bearer(newSub()) }); // cost 800
      expectCode(res.body, 'VALIDATION_FAILED');
      expect(res.body.errors[0].message).toMatch(/cost limit of 300/i);
      expect(res.body.data).toBeUndefined();
      expect(service.ownerBatches).toBe(batches);
    });

    it('batch of GRAPHQL_MAX_BATCH + 1 operations → 400 VALIDATION_FAILED; a batch at the limit → 200 with one result each', async () => {
      const op = { query: '{ health { status } }' };
      const tooMany = await request(t.url).post('/graphql').send([op, op, op, op]);
      expect(tooMany.status).toBe(400);
      expectCode(tooMany.body, 'VALIDATION_FAILED');
      expectNoInternals(tooMany.body);
      const ok = await request(t.url).post('/graphql').send([op, op, op]).expect(200);
      expect(ok.body).toEqual([op, op, op].map(() => ({ data: { health: { status: 'ok' } } })));
    });
  });

  describe('errors', () => {
    it('query me without a credential → UNAUTHENTICATED; with one → the caller', async () => {
      const anonymous = await gql(t, '{ me { id role } }');
      expectCode(anonymous.body, 'UNAUTHENTICATED');
      const sub = newSub();
      const authenticated = await gql(t, '{ me { id externalId role } }', { auth: bearer(sub, 'agent') });
      expect(authenticated.body).toEqual({ data: { me: { id: expect.any(String), externalId: sub, role: 'agent' } } });
    });

    it('mutation createProbe with invalid input → VALIDATION_FAILED naming the field, like REST', async () => {
      const res = await gql(t, 'mutation { createProbe(input: { name: "x", rank: 101 }) { id } }', { auth: bearer(newSub()) });
      expectCode(res.body, 'VALIDATION_FAILED');
      expect(res.body.errors[0].message).toContain('rank');
      expect(res.body.errors[0].extensions.errors).toEqual([expect.objectContaining({ field: 'rank', message: expect.any(String) })]);
    });

    it('mutation createProbe that fails unexpectedly → INTERNAL with a generic message', async () => {
      const res = await gql(t, 'mutation { createProbe(input: { name: "x", rank: 1, fail: "after-write" }) { id } }', {
        auth: bearer(newSub()),
      });
      expectCode(res.body, 'INTERNAL');
      expect(JSON.stringify(res.body)).not.toContain('deliberate failure');
    });

    it('syntax errors and unknown fields → VALIDATION_FAILED', async () => {
      expectCode((await gql(t, '{ health { status }')).body, 'VALIDATION_FAILED');
      expectCode((await gql(t, '{ health { nope } }')).body, 'VALIDATION_FAILED');
    });
  });

  describe('DataLoader', () => {
    it('query probes { ownerName } batches the owner lookups once per operation, with fresh loaders each time', async () => {
      const sub = newSub();
      await t.dataSource.query(`INSERT INTO probe (owner, name, rank, version) SELECT $1, 'p' || g, g, 1 FROM generate_series(1, 20) g`, [
        await callerId(t, sub),
      ]);
      const service = t.app.get(ProbeService);
      const query = '{ probes(first: 20) { id ownerName } }';
      for (const operation of [1, 2]) {
        const before = service.ownerBatches;
        const res = await gql(t, query, { auth: bearer(sub) });
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data.probes).toHaveLength(20);
        for (const probe of res.body.data.probes) expect(probe.ownerName).toBe(`owner-of-${probe.id}`);
        expect({ operation, batches: service.ownerBatches - before }).toEqual({ operation, batches: 1 });
      }
    });
  });

  describe('subscriptions', () => {
    let client: Client | undefined;
    afterEach(() => client?.dispose());

    it('subscription probeCreated over graphql-ws on /graphql receives a probe created through REST', async () => {
      client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      const received: { id: string; name: string }[] = [];
      let failure: unknown;
      client.subscribe<{ probeCreated: { id: string; name: string } }>(
        { query: 'subscription { probeCreated { id name } }' },
        {
          next: (event) => (event.data ? received.push(event.data.probeCreated) : (failure = event.errors)),
          error: (e) => (failure = e),
          complete: () => undefined,
        },
      );
      // The server has no acknowledgement for a subscription; create probes until the first event shows it is live.
      const sub = newSub();
      const created = new Map<string, string>();
      for (let i = 0; received.length === 0 && failure === undefined && i < 50; i++) {
        const res = await request(t.url)
          .post('/v1/probes')
          .set(bearer(sub))
          .send({ name: `live ${i}`, rank: 1 })
          .expect(201);
        created.set(res.body.id, res.body.name);
        await sleep(100);
      }
      expect(failure).toBeUndefined();
      expect(received.length).toBeGreaterThan(0);
      for (const event of received) expect(created.get(event.id)).toBe(event.name);
    });
  });

  describe('with GRAPHQL_INTROSPECTION=false', () => {
    let closed: TestApp;
    beforeAll(async () => {
      closed = await createTestApp({ ...probeFixture, env: { GRAPHQL_INTROSPECTION: 'false' } });
    });
    afterAll(() => closed.close());

    it('query __schema → refused with VALIDATION_FAILED (and allowed on the default app)', async () => {
      const open = await gql(t, '{ __schema { types { name } } }');
      expect(open.body.data.__schema.types.map((type: { name: string }) => type.name)).toContain('Probe');
      const refused = await gql(closed, '{ __schema { types { name } } }');
      expectCode(refused.body, 'VALIDATION_FAILED');
      expect(refused.body.errors[0].message).toMatch(/introspection/i);
      expect(refused.body.data).toBeUndefined();
    });

    it('a misspelt field gets no "Did you mean" hint that would leak the schema (the default app gives one)', async () => {
      expect((await gql(t, '{ healt { status } }')).body.errors[0].message).toMatch(/did you mean "health"/i);
      const res = await gql(closed, '{ healt { status } }');
      expectCode(res.body, 'VALIDATION_FAILED');
      expect(res.body.errors[0].message).not.toMatch(/did you mean/i);
      expect((await gql(closed, '{ health { status } }')).body).toEqual({ data: { health: { status: 'ok' } } });
    });
  });
});

interface GraphqlErrors {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** One operation over HTTP; every response is checked for leaked internals. */
async function gql(app: TestApp, query: string, options: { auth?: Record<string, string> } = {}): Promise<request.Response> {
  const res = await request(app.url)
    .post('/graphql')
    .set(options.auth ?? {})
    .send({ query });
  expectNoInternals(res.body);
  return res;
}

function expectCode(body: GraphqlErrors, code: string): void {
  expect(body.errors?.length).toBeGreaterThan(0);
  expect(body.errors![0].extensions?.code).toBe(code);
}

/** No error, anywhere in a response or batch, carries a stack trace or the original exception. */
function expectNoInternals(body: unknown): void {
  for (const result of Array.isArray(body) ? body : [body]) {
    for (const error of (result as GraphqlErrors).errors ?? []) {
      for (const leak of ['stacktrace', 'exception', 'originalError']) expect(error.extensions ?? {}).not.toHaveProperty(leak);
      expect(JSON.stringify(error)).not.toMatch(/at .*\.(js|ts):\d+/);
    }
  }
}

function newSub(): string {
  return `gql-${randomUUID()}`;
}
