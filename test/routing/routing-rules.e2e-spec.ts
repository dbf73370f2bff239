import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, tier, type Person } from '../support/world';

// Every test file shares one database on PostgreSQL, and rules apply to every new ticket: each rule made here matches only
// a tag no other file uses, is never left without conditions, and is deleted in afterAll.
describe('Routing rules (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let target: { id: string };
  const created: string[] = [];
  const uniqueTag = () => `routing-test-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    target = await tier(t, admin, 2);
  });
  afterAll(async () => {
    for (const id of created) await request(t.url).delete(`/v1/routing-rules/${id}`).set('Authorization', admin.auth);
    await t.close();
  });

  const post = (body: Record<string, unknown>, as: Person = admin) =>
    request(t.url).post('/v1/routing-rules').set('Authorization', as.auth).send(body);
  /** A rule that can only match this file's tickets; remembered for cleanup. */
  const newRule = async (extra: Record<string, unknown> = {}) => {
    const res = await post({ name: 'Test rule', tierId: target.id, conditions: { tags: [uniqueTag()] }, ...extra }).expect(201);
    created.push(res.body.id);
    return res.body as { id: string; position: number; version: number; conditions: { tags: string[] } };
  };
  const fields = (res: request.Response) => res.body.errors.map((e: { field: string }) => e.field);

  it('POST /v1/routing-rules creates a rule with defaults; GET reads it with its ETag', async () => {
    const tag = uniqueTag();
    const res = await post({
      name: 'VIP incidents',
      tierId: target.id,
      conditions: { tags: [tag], types: ['incident', 'problem'], priorities: ['urgent'] },
    }).expect(201);
    created.push(res.body.id);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'VIP incidents',
      position: expect.any(Number),
      active: true,
      tierId: target.id,
      version: 1,
      conditions: { types: ['incident', 'problem'], priorities: ['urgent'], channels: [], tags: [tag], organizationIds: [] },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.any(String),
    });
    expect(res.headers.etag).toBe('"1"');
    const read = await request(t.url).get(`/v1/routing-rules/${res.body.id}`).set('Authorization', admin.auth).expect(200);
    expect(read.body).toEqual(res.body);
    expect(read.headers.etag).toBe('"1"');
  });

  it('POST /v1/routing-rules without a position puts the rule after the last one', async () => {
    const first = await newRule();
    const second = await newRule();
    expect(second.position).toBeGreaterThan(first.position);
    const explicit = await newRule({ position: 0, active: false });
    expect(explicit).toMatchObject({ position: 0, active: false });
  });

  it('GET /v1/routing-rules pages by position, then age, with nextCursor', async () => {
    const late = await newRule({ position: 700_001 });
    const early = await newRule({ position: 700_000 });
    const tie = await newRule({ position: 700_000 });
    const seen: { id: string; position: number }[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.url)
        .get('/v1/routing-rules')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', admin.auth)
        .expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    expect(seen.map((r) => r.position)).toEqual([...seen.map((r) => r.position)].sort((a, b) => a - b));
    expect(seen.map((r) => r.id).filter((id) => [late.id, early.id, tie.id].includes(id))).toEqual([early.id, tie.id, late.id]);
    await request(t.url).get('/v1/routing-rules').query({ cursor: 'not-a-cursor' }).set('Authorization', admin.auth).expect(400);
  });

  it('PATCH /v1/routing-rules/:id honours If-Match, sends the new ETag and replaces only the given condition lists', async () => {
    const rule = await newRule({ conditions: { tags: [uniqueTag()], channels: ['email'] } });
    const tag = uniqueTag();
    const res = await request(t.url)
      .patch(`/v1/routing-rules/${rule.id}`)
      .set('Authorization', admin.auth)
      .set('If-Match', '"1"')
      .send({ name: 'Renamed', position: 42, conditions: { tags: [tag] } })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'Renamed', position: 42, version: 2, conditions: { tags: [tag], channels: ['email'] } });
    expect(res.headers.etag).toBe('"2"');
    const stale = await request(t.url)
      .patch(`/v1/routing-rules/${rule.id}`)
      .set('Authorization', admin.auth)
      .set('If-Match', '"1"')
      .send({ name: 'Lost update' })
      .expect(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect((await request(t.url).get(`/v1/routing-rules/${rule.id}`).set('Authorization', admin.auth).expect(200)).body.name).toBe(
      'Renamed',
    );
    const nulled = await request(t.url)
      .patch(`/v1/routing-rules/${rule.id}`)
      .set('Authorization', admin.auth)
      .send({ tierId: null })
      .expect(400);
    expect(fields(nulled)).toEqual(['tierId']);
  });

  it('DELETE /v1/routing-rules/:id → 204, then 404', async () => {
    const rule = await newRule();
    await request(t.url).delete(`/v1/routing-rules/${rule.id}`).set('Authorization', admin.auth).expect(204);
    await request(t.url).get(`/v1/routing-rules/${rule.id}`).set('Authorization', admin.auth).expect(404);
    await request(t.url).delete(`/v1/routing-rules/${rule.id}`).set('Authorization', admin.auth).expect(404);
  });

  it('unknown ids → 404 NOT_FOUND on GET, PATCH and DELETE', async () => {
    const id = randomUUID();
    expect((await request(t.url).get(`/v1/routing-rules/${id}`).set('Authorization', admin.auth).expect(404)).body.code).toBe('NOT_FOUND');
    await request(t.url).patch(`/v1/routing-rules/${id}`).set('Authorization', admin.auth).send({ name: 'x' }).expect(404);
    await request(t.url).delete(`/v1/routing-rules/${id}`).set('Authorization', admin.auth).expect(404);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a bad enum in conditions', { conditions: { types: ['bug'] } }, ['conditions.types']],
    ['an unknown field', { colour: 'red' }, ['colour']],
    ['an unknown field in conditions', { conditions: { weekdays: ['mon'] } }, ['conditions.weekdays']],
    ['a duplicate in a list', { conditions: { priorities: ['low', 'low'] } }, ['conditions.priorities']],
    ['a tag that no ticket can carry', { conditions: { tags: ['no spaces allowed'] } }, ['conditions.tags']],
    ['a position out of range', { position: 1_000_001 }, ['position']],
    ['an empty name', { name: '' }, ['name']],
    ['a bad organization id', { conditions: { organizationIds: ['acme'] } }, ['conditions.organizationIds']],
  ])('POST /v1/routing-rules with %s → 400 naming the field', async (_, override, expected) => {
    // Even a refused rule gets this file's tag: were it accepted by mistake, it still could not route others' tickets.
    const { conditions, ...rest } = override as { conditions?: Record<string, unknown> };
    const res = await post({ name: 'Bad', tierId: target.id, ...rest, conditions: { tags: [uniqueTag()], ...conditions } }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect([...new Set(fields(res))]).toEqual(expected);
  });

  it('POST /v1/routing-rules without a tierId, or with one that is not a tier → 400 naming tierId', async () => {
    const missing = await post({ name: 'Nowhere', conditions: { tags: [uniqueTag()] } }).expect(400);
    expect([...new Set(fields(missing))]).toEqual(['tierId']);
    const unknown = await post({ name: 'Nowhere', tierId: randomUUID(), conditions: { tags: [uniqueTag()] } }).expect(400);
    expect(unknown.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'tierId' }] });
    const rule = await newRule();
    const patched = await request(t.url)
      .patch(`/v1/routing-rules/${rule.id}`)
      .set('Authorization', admin.auth)
      .send({ tierId: randomUUID() })
      .expect(400);
    expect(fields(patched)).toEqual(['tierId']);
  });

  it('conditions.organizationIds: kept in the order given, each under a foreign key; an unknown one is 400 naming it', async () => {
    const orgOf = async () => {
      const member = await person(t, 'customer', { org: `org-${randomUUID()}` });
      return (await request(t.url).get('/v1/me').set('Authorization', member.auth).expect(200)).body.organizationId as string;
    };
    const [a, b] = [await orgOf(), await orgOf()];
    const rule = await newRule({ conditions: { tags: [uniqueTag()], organizationIds: [b, a] } });
    const read = async () => (await request(t.url).get(`/v1/routing-rules/${rule.id}`).set('Authorization', admin.auth).expect(200)).body;
    expect((await read()).conditions.organizationIds).toEqual([b, a]);

    const patched = await request(t.url)
      .patch(`/v1/routing-rules/${rule.id}`)
      .set('Authorization', admin.auth)
      .send({ conditions: { organizationIds: [a] } })
      .expect(200);
    expect(patched.body).toMatchObject({ version: rule.version + 1, conditions: { organizationIds: [a], tags: rule.conditions.tags } });
    expect((await read()).conditions.organizationIds).toEqual([a]);

    const unknown = randomUUID();
    const refused = await post({
      name: 'Nobody',
      tierId: target.id,
      conditions: { tags: [uniqueTag()], organizationIds: [a, unknown] },
    }).expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'conditions.organizationIds[1]', message: `${unknown} is not an existing organization` },
    ]);
    // The key holds: an organization a rule names cannot be deleted (its rule would then match every organization).
    const deleted = await t.dataSource.query(`DELETE FROM organization WHERE id = $1`, [a]).then(
      () => 'deleted',
      (e: { code?: string }) => e.code,
    );
    expect(['23503', '23001']).toContain(deleted); // foreign_key_violation, or restrict_violation on newer PostgreSQL
  });

  it('agents may not write rules (403); customers and agents may not read them (403)', async () => {
    const rule = await newRule();
    for (const as of [agent, customer]) {
      expect((await post({ name: 'Mine', tierId: target.id, conditions: { tags: [uniqueTag()] } }, as).expect(403)).body.code).toBe(
        'FORBIDDEN',
      );
      await request(t.url).patch(`/v1/routing-rules/${rule.id}`).set('Authorization', as.auth).send({ name: 'Mine' }).expect(403);
      await request(t.url).delete(`/v1/routing-rules/${rule.id}`).set('Authorization', as.auth).expect(403);
      await request(t.url).get('/v1/routing-rules').set('Authorization', as.auth).expect(403);
      await request(t.url).get(`/v1/routing-rules/${rule.id}`).set('Authorization', as.auth).expect(403);
    }
    const denied = await gql(t, customer, '{ routingRules { edges { node { id } } } }');
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const agentCreate = await gql(
      t,
      agent,
      `mutation { createRoutingRule(input: { name: "x", tierId: "${target.id}", conditions: { tags: ["${uniqueTag()}"] } }) { id } }`,
    );
    expect(agentCreate.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('DELETE /v1/tiers/:id is refused (409) while a routing rule points at the tier', async () => {
    const doomed = await tier(t, admin, 3);
    const rule = await newRule({ tierId: doomed.id });
    const refused = await request(t.url).delete(`/v1/tiers/${doomed.id}`).set('Authorization', admin.auth).expect(409);
    expect(refused.body.code).toBe('CONFLICT');
    expect(refused.body.detail).toMatch(/1 routing rule/);
    await request(t.url).delete(`/v1/routing-rules/${rule.id}`).set('Authorization', admin.auth).expect(204);
    await request(t.url).delete(`/v1/tiers/${doomed.id}`).set('Authorization', admin.auth).expect(204);
  });

  it('GraphQL: createRoutingRule (idempotent), routingRule, routingRules connection, updateRoutingRule with expectedVersion, deleteRoutingRule', async () => {
    const tag = uniqueTag();
    const create = `mutation($input: CreateRoutingRuleInput!, $key: String) { createRoutingRule(input: $input, idempotencyKey: $key) { id name position active tierId version createdAt conditions { types channels tags organizationIds } } }`;
    const input = {
      name: 'Phone complaints',
      tierId: target.id,
      position: 800_000,
      conditions: { types: ['complaint'], channels: ['phone'], tags: [tag] },
    };
    const key = randomUUID();
    const first = await gql(t, admin, create, { input, key });
    expect(first.body.errors).toBeUndefined();
    const rule = first.body.data.createRoutingRule;
    created.push(rule.id);
    expect(rule).toMatchObject({
      name: 'Phone complaints',
      position: 800_000,
      active: true,
      tierId: target.id,
      version: 1,
      conditions: { types: ['complaint'], channels: ['phone'], tags: [tag], organizationIds: [] },
    });
    const replay = await gql(t, admin, create, { input, key });
    expect(replay.body.data.createRoutingRule).toEqual(rule);

    const one = await gql(t, admin, 'query($id: ID!) { routingRule(id: $id) { id name } }', { id: rule.id });
    expect(one.body.data.routingRule).toEqual({ id: rule.id, name: 'Phone complaints' });
    const page = await gql(
      t,
      admin,
      '{ routingRules(first: 1) { edges { cursor node { id position } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(page.body.data.routingRules.edges).toHaveLength(1);
    expect(page.body.data.routingRules.pageInfo.hasNextPage).toBe(true);
    const next = await gql(t, admin, 'query($after: String) { routingRules(first: 100, after: $after) { edges { node { id } } } }', {
      after: page.body.data.routingRules.pageInfo.endCursor,
    });
    expect(next.body.errors).toBeUndefined();

    const update =
      'mutation($id: ID!, $v: Int) { updateRoutingRule(id: $id, input: { active: false, conditions: { priorities: [high] } }, expectedVersion: $v) { active version conditions { priorities tags } } }';
    const stale = await gql(t, admin, update, { id: rule.id, v: 5 });
    expect(stale.body.errors[0].extensions.code).toBe('PRECONDITION_FAILED');
    const updated = await gql(t, admin, update, { id: rule.id, v: 1 });
    expect(updated.body.data.updateRoutingRule).toEqual({ active: false, version: 2, conditions: { priorities: ['high'], tags: [tag] } });

    const badEnum = await gql(t, admin, create, { input: { ...input, conditions: { types: ['bug'], tags: [uniqueTag()] } } });
    expect(badEnum.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    const badTier = await gql(t, admin, create, { input: { ...input, tierId: randomUUID(), conditions: { tags: [uniqueTag()] } } });
    expect(badTier.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'tierId' }] });

    const deleted = await gql(t, admin, 'mutation($id: ID!) { deleteRoutingRule(id: $id) }', { id: rule.id });
    expect(deleted.body.data.deleteRoutingRule).toBe(true);
    const gone = await gql(t, admin, 'query($id: ID!) { routingRule(id: $id) { id } }', { id: rule.id });
    expect(gone.body.errors[0].extensions.code).toBe('NOT_FOUND');
    // Not a UUID: refused before any resolver runs, naming the argument.
    const notUuid = await gql(t, admin, 'query { routingRule(id: "nope") { id } }');
    expect(notUuid.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'id' }] });
  });
});
