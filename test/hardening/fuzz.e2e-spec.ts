import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { graphqlOperations, resolver, restOperations, servedGraphqlSchema } from '../support/fuzz/contracts';
import { requestArbitraries, type FuzzRequest } from '../support/fuzz/requests';
import { describeRequest, printable, send, violation } from '../support/fuzz/send';
import { createTestApp, TEST_JWT_SECRET, tokenFor, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// Reproducible: the same seed replays the same requests. CI runs a fixed budget (150 runs of up to 25 requests, about
// 1,800 requests: some 30 s on the embedded database, 45 s on PostgreSQL); explore with e.g. FUZZ_RUNS=2000 FUZZ_SEED=$RANDOM.
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const BATCH = 25;

// Every REST operation of the served OpenAPI document and every GraphQL root query and mutation of the served schema,
// with hostile input: malformed ids and cursors, wrong types, nulls, unknown fields, deep and huge JSON, wrong content
// types, forged tokens. No answer may be a 5xx or carry code INTERNAL, and after every batch a valid caller must still
// be served: one malformed id once signed everyone out.
describe('Fuzz: every route and GraphQL field with hostile input (e2e)', () => {
  let t: TestApp;
  let watcher: Person;
  let customer: Person;
  let agent: Person;
  let admin: Person;
  const ids: string[] = [];
  const before = { rules: new Set<string>(), policies: new Set<string>() };

  const listIds = async (path: string) => {
    const found: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages < 50; pages++) {
      const res: request.Response = await request(t.url)
        .get(path)
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set('Authorization', watcher.auth)
        .expect(200);
      found.push(...res.body.data.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    return found;
  };

  beforeAll(async () => {
    t = await createTestApp();
    watcher = await person(t, 'admin');
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer', { org: `fuzz-${randomUUID()}` });
    // Real resources, so hostile requests also reach the code behind "not found". The victim's id is fair game; the
    // fuzz's own callers' ids are not in the pool, so it does not demote or deactivate itself.
    const victim = await person(t, 'customer', { org: `fuzz-victim-${randomUUID()}` });
    const victimMe = await request(t.url).get('/v1/me').set('Authorization', victim.auth).expect(200);
    const l1 = await tier(t, admin, 1, [agent]);
    const own = await ticket(t, customer);
    const other = await ticket(t, admin, { requesterId: victim.id, tierId: l1.id });
    const as = (p: Person) => ({ Authorization: p.auth });
    const message = await request(t.url).post(`/v1/tickets/${own.id}/messages`).set(as(agent)).send({ body: 'Which printer?' });
    const info = await request(t.url)
      .post(`/v1/tickets/${other.id}/info-requests`)
      .set(as(admin))
      .send({ message: 'Logs, please', items: [{ key: 'log', kind: 'text', label: 'The log' }] });
    before.rules = new Set(await listIds('/v1/routing-rules'));
    before.policies = new Set(await listIds('/v1/sla-policies'));
    const rule = await request(t.url)
      .post('/v1/routing-rules')
      .set(as(admin))
      .send({ name: `fuzz ${randomUUID()}`, tierId: l1.id, conditions: { tags: [`fuzz-${randomUUID().slice(0, 8)}`] } });
    const policy = await request(t.url)
      .post('/v1/sla-policies')
      .set(as(admin))
      .send({ name: 'fuzz', priority: 'low', tierId: l1.id, firstResponseMinutes: 60, resolutionMinutes: 600 });
    const key = await request(t.url).post('/v1/api-keys').set(as(admin)).send({ name: 'fuzz', role: 'agent' });
    const upload = await request(t.url)
      .post(`/v1/tickets/${own.id}/attachments`)
      .set(as(customer))
      .attach('file', Buffer.from('line 1\nline 2\n'), 'app.log');
    for (const res of [message, info, rule, policy, key, upload]) expect(res.status).toBe(201);
    const attachmentId = (Array.isArray(upload.body) ? upload.body[0] : (upload.body.data?.[0] ?? upload.body)).id;
    ids.push(
      l1.id,
      own.id,
      other.id,
      message.body.id,
      info.body.id,
      rule.body.id,
      policy.body.id,
      key.body.id,
      attachmentId,
      victim.id,
      victimMe.body.organizationId,
    );
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
  });

  afterAll(async () => {
    // Routing rules and SLA policies apply to every ticket of a shared database: what the fuzz created goes.
    for (const id of await listIds('/v1/routing-rules'))
      if (!before.rules.has(id)) await request(t.url).delete(`/v1/routing-rules/${id}`).set('Authorization', watcher.auth);
    for (const id of await listIds('/v1/sla-policies'))
      if (!before.policies.has(id)) await request(t.url).delete(`/v1/sla-policies/${id}`).set('Authorization', watcher.auth);
    await t.close();
  });

  /** A valid caller is still served on both transports (a fresh token each time: the check is not rate limited away). */
  async function stillServes(after: string): Promise<void> {
    const auth = `Bearer ${tokenFor(watcher.sub, 'admin', { jti: randomUUID() })}`;
    const me = await fetch(`${t.url}/v1/me`, { headers: { Authorization: auth } });
    if (me.status !== 200) throw new Error(`after ${after}, GET /v1/me → ${me.status} ${await me.text()}`);
    const gql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const body = await gql.text();
    if (gql.status !== 200 || JSON.parse(body)?.data?.me?.id !== watcher.id)
      throw new Error(`after ${after}, GraphQL { me { id } } → ${gql.status} ${body}`);
  }

  it(
    'no answer is a 5xx or INTERNAL, and a valid caller is still served after every batch',
    async () => {
      const document = await (await fetch(`${t.url}/openapi.json`)).json();
      const rest = restOperations(document);
      const graphql = graphqlOperations(await servedGraphqlSchema(t.url, watcher.auth));
      // Derived from the served contracts, not listed here: a new route is fuzzed without touching this file.
      expect(rest.length).toBeGreaterThan(40);
      expect(graphql.length).toBeGreaterThan(40);

      const tokens = {
        customer: tokenFor(customer.sub, 'customer'),
        agent: tokenFor(agent.sub, 'agent'),
        admin: tokenFor(admin.sub, 'admin'),
      };
      // The same callers as `person` made; tokens minted here so the report can name them by role.
      const credentials = { ...tokens, secret: TEST_JWT_SECRET };
      const arbitraries = requestArbitraries({ credentials, ids }, rest, graphql, resolver(document));
      const anyRequest = fc.oneof(...arbitraries).map((r) => printable(r, tokens));
      const statuses = new Map<number, number>();
      const operations = new Set<string>();
      let sent = 0;

      const check = async (req: FuzzRequest) => {
        const res = await send(t.url, req);
        sent++;
        operations.add(req.operation);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const wrong = violation(res);
        if (wrong) throw new Error(`${wrong}\n${describeRequest(req, tokens)}\n  → ${res.status} ${res.text.slice(0, 1000)}`);
      };

      try {
        await fc.assert(
          fc.asyncProperty(fc.array(anyRequest, { minLength: 1, maxLength: BATCH, size: 'max' }), async (batch) => {
            for (const req of batch) await check(req);
            await stillServes(`a batch ending with ${batch.at(-1)!.operation}`);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      } finally {
        const byStatus = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
        console.log(
          `fuzz: seed ${SEED}, ${RUNS} runs, ${sent} requests, ${operations.size} of ${arbitraries.length} operations reached; statuses ${JSON.stringify(byStatus)}`,
        );
      }
    },
    30 * 60_000,
  );
});
