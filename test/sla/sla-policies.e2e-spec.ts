import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, tier, type Person } from '../support/world';

// Every test file shares one database on PostgreSQL, and policies put tickets on the clock: every policy made here is
// for a tier this file created (no tier-less policy, which would apply to other files' tickets), deleted in afterAll.
describe('SLA policies (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  const created: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
  });
  afterAll(async () => {
    for (const id of created) await request(t.url).delete(`/v1/sla-policies/${id}`).set('Authorization', admin.auth);
    await t.close();
  });

  const post = (body: Record<string, unknown>, as: Person = admin) =>
    request(t.url).post('/v1/sla-policies').set('Authorization', as.auth).send(body);
  const ownTier = () => tier(t, admin, 2);
  const valid = (tierId: string, extra: Record<string, unknown> = {}) => ({
    name: 'Urgent L2',
    priority: 'urgent',
    tierId,
    firstResponseMinutes: 30,
    resolutionMinutes: 240,
    ...extra,
  });
  /** A policy for one of this file's tiers; remembered for cleanup. */
  const newPolicy = async (extra: Record<string, unknown> = {}) => {
    const res = await post(valid((await ownTier()).id, extra)).expect(201);
    created.push(res.body.id);
    return res.body as { id: string; tierId: string; priority: string; version: number };
  };
  const fields = (res: request.Response) => [...new Set(res.body.errors.map((e: { field: string }) => e.field))];

  it('POST /v1/sla-policies creates a policy with defaults; GET reads it with its ETag, agents too', async () => {
    const { id: tierId } = await ownTier();
    const res = await post(valid(tierId)).expect(201);
    created.push(res.body.id);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Urgent L2',
      priority: 'urgent',
      tierId,
      firstResponseMinutes: 30,
      resolutionMinutes: 240,
      pauseWhilePending: true,
      autoEscalate: false,
      version: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.any(String),
    });
    expect(res.headers.etag).toBe('"1"');
    for (const as of [admin, agent]) {
      const read = await request(t.url).get(`/v1/sla-policies/${res.body.id}`).set('Authorization', as.auth).expect(200);
      expect(read.body).toEqual(res.body);
      expect(read.headers.etag).toBe('"1"');
    }
  });

  it('GET /v1/sla-policies pages with nextCursor, for admins and agents', async () => {
    const mine = [await newPolicy(), await newPolicy({ priority: 'low' }), await newPolicy({ priority: 'high' })];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.url)
        .get('/v1/sla-policies')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', agent.auth)
        .expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => mine.some((p) => p.id === id))).toEqual(mine.map((p) => p.id));
  });

  it('a second policy for the same priority and tier → 409 CONFLICT, on create and on update', async () => {
    const { id: tierId } = await ownTier();
    const first = await post(valid(tierId)).expect(201);
    created.push(first.body.id);
    const dup = await post(valid(tierId, { name: 'Another' })).expect(409);
    expect(dup.body.code).toBe('CONFLICT');
    const other = await post(valid(tierId, { priority: 'high' })).expect(201);
    created.push(other.body.id);
    const moved = await request(t.url)
      .patch(`/v1/sla-policies/${other.body.id}`)
      .set('Authorization', admin.auth)
      .send({ priority: 'urgent' })
      .expect(409);
    expect(moved.body.code).toBe('CONFLICT');
  });

  it('concurrent creates for one priority and tier: one 201, the rest 409', async () => {
    const { id: tierId } = await ownTier();
    const results = await Promise.all(Array.from({ length: 4 }, () => post(valid(tierId))));
    created.push(...results.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it('PATCH /v1/sla-policies/:id honours If-Match and sends the new ETag', async () => {
    const policy = await newPolicy();
    const res = await request(t.url)
      .patch(`/v1/sla-policies/${policy.id}`)
      .set('Authorization', admin.auth)
      .set('If-Match', '"1"')
      .send({ resolutionMinutes: 480, autoEscalate: true, pauseWhilePending: false })
      .expect(200);
    expect(res.body).toMatchObject({
      resolutionMinutes: 480,
      autoEscalate: true,
      pauseWhilePending: false,
      firstResponseMinutes: 30,
      version: 2,
      tierId: policy.tierId,
    });
    expect(res.headers.etag).toBe('"2"');
    const stale = await request(t.url)
      .patch(`/v1/sla-policies/${policy.id}`)
      .set('Authorization', admin.auth)
      .set('If-Match', '"1"')
      .send({ name: 'Lost update' })
      .expect(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    const moved = await ownTier();
    const retiered = await request(t.url)
      .patch(`/v1/sla-policies/${policy.id}`)
      .set('Authorization', admin.auth)
      .set('If-Match', '"2"')
      .send({ tierId: moved.id })
      .expect(200);
    expect(retiered.body).toMatchObject({ tierId: moved.id, version: 3 });
  });

  it('DELETE /v1/sla-policies/:id → 204, then 404; unknown ids → 404', async () => {
    const policy = await newPolicy();
    await request(t.url).delete(`/v1/sla-policies/${policy.id}`).set('Authorization', admin.auth).expect(204);
    expect((await request(t.url).get(`/v1/sla-policies/${policy.id}`).set('Authorization', admin.auth).expect(404)).body.code).toBe(
      'NOT_FOUND',
    );
    await request(t.url).delete(`/v1/sla-policies/${policy.id}`).set('Authorization', admin.auth).expect(404);
    await request(t.url).patch(`/v1/sla-policies/${randomUUID()}`).set('Authorization', admin.auth).send({ name: 'x' }).expect(404);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['zero minutes', { firstResponseMinutes: 0 }, ['firstResponseMinutes']],
    ['more than a year', { resolutionMinutes: 525_601 }, ['resolutionMinutes']],
    ['fractional minutes', { firstResponseMinutes: 1.5 }, ['firstResponseMinutes']],
    ['a bad priority', { priority: 'asap' }, ['priority']],
    ['an unknown field', { businessHoursOnly: true }, ['businessHoursOnly']],
    ['a missing name', { name: undefined }, ['name']],
  ])('POST /v1/sla-policies with %s → 400 naming the field', async (_, override, expected) => {
    const { id: tierId } = await ownTier();
    const res = await post(valid(tierId, override)).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(fields(res)).toEqual(expected);
  });

  it('a tierId that is not a tier → 400 naming tierId, on create and on update', async () => {
    const created400 = await post(valid(randomUUID())).expect(400);
    expect(created400.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'tierId' }] });
    expect(fields(await post(valid('tier-1')).expect(400))).toEqual(['tierId']);
    const policy = await newPolicy();
    const patched = await request(t.url)
      .patch(`/v1/sla-policies/${policy.id}`)
      .set('Authorization', admin.auth)
      .send({ tierId: randomUUID() })
      .expect(400);
    expect(fields(patched)).toEqual(['tierId']);
    const nulled = await request(t.url)
      .patch(`/v1/sla-policies/${policy.id}`)
      .set('Authorization', admin.auth)
      .send({ resolutionMinutes: null })
      .expect(400);
    expect(fields(nulled)).toEqual(['resolutionMinutes']);
  });

  it('agents may not write policies (403); customers may not read them (403)', async () => {
    const policy = await newPolicy();
    const { id: tierId } = await ownTier();
    expect((await post(valid(tierId), agent).expect(403)).body.code).toBe('FORBIDDEN');
    await request(t.url).patch(`/v1/sla-policies/${policy.id}`).set('Authorization', agent.auth).send({ name: 'Mine' }).expect(403);
    await request(t.url).delete(`/v1/sla-policies/${policy.id}`).set('Authorization', agent.auth).expect(403);
    await request(t.url).get('/v1/sla-policies').set('Authorization', customer.auth).expect(403);
    await request(t.url).get(`/v1/sla-policies/${policy.id}`).set('Authorization', customer.auth).expect(403);
    const denied = await gql(t, customer, '{ slaPolicies { edges { node { id } } } }');
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const agentDelete = await gql(t, agent, `mutation { deleteSlaPolicy(id: "${policy.id}") }`);
    expect(agentDelete.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('DELETE /v1/tiers/:id is refused (409) while an SLA policy points at the tier', async () => {
    const doomed = await ownTier();
    const policy = await post(valid(doomed.id)).expect(201);
    created.push(policy.body.id);
    const refused = await request(t.url).delete(`/v1/tiers/${doomed.id}`).set('Authorization', admin.auth).expect(409);
    expect(refused.body.code).toBe('CONFLICT');
    expect(refused.body.detail).toMatch(/1 SLA policy/);
    await request(t.url).delete(`/v1/sla-policies/${policy.body.id}`).set('Authorization', admin.auth).expect(204);
    await request(t.url).delete(`/v1/tiers/${doomed.id}`).set('Authorization', admin.auth).expect(204);
  });

  it('GraphQL: createSlaPolicy (idempotent), slaPolicy, slaPolicies connection, updateSlaPolicy with expectedVersion, deleteSlaPolicy', async () => {
    const { id: tierId } = await ownTier();
    const create =
      'mutation($input: CreateSlaPolicyInput!, $key: String) { createSlaPolicy(input: $input, idempotencyKey: $key) { id name priority tierId firstResponseMinutes resolutionMinutes pauseWhilePending autoEscalate version createdAt } }';
    const input = { name: 'Normal L2', priority: 'normal', tierId, firstResponseMinutes: 60, resolutionMinutes: 1440, autoEscalate: true };
    const key = randomUUID();
    const first = await gql(t, admin, create, { input, key });
    expect(first.body.errors).toBeUndefined();
    const policy = first.body.data.createSlaPolicy;
    created.push(policy.id);
    expect(policy).toMatchObject({ ...input, pauseWhilePending: true, version: 1 });
    expect((await gql(t, admin, create, { input, key })).body.data.createSlaPolicy).toEqual(policy);
    const dup = await gql(t, admin, create, { input });
    expect(dup.body.errors[0].extensions.code).toBe('CONFLICT');
    const badMinutes = await gql(t, admin, create, { input: { ...input, priority: 'low', firstResponseMinutes: 0 } });
    expect(badMinutes.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'firstResponseMinutes' }] });

    const one = await gql(t, agent, 'query($id: ID!) { slaPolicy(id: $id) { id name } }', { id: policy.id });
    expect(one.body.data.slaPolicy).toEqual({ id: policy.id, name: 'Normal L2' });
    const page = await gql(t, agent, '{ slaPolicies(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }');
    expect(page.body.data.slaPolicies.edges).toHaveLength(1);
    const next = await gql(t, agent, 'query($after: String) { slaPolicies(first: 100, after: $after) { edges { node { id } } } }', {
      after: page.body.data.slaPolicies.pageInfo.endCursor,
    });
    expect(next.body.errors).toBeUndefined();

    const update =
      'mutation($id: ID!, $v: Int) { updateSlaPolicy(id: $id, input: { firstResponseMinutes: 15 }, expectedVersion: $v) { firstResponseMinutes version } }';
    expect((await gql(t, admin, update, { id: policy.id, v: 9 })).body.errors[0].extensions.code).toBe('PRECONDITION_FAILED');
    expect((await gql(t, admin, update, { id: policy.id, v: 1 })).body.data.updateSlaPolicy).toEqual({
      firstResponseMinutes: 15,
      version: 2,
    });

    expect((await gql(t, admin, 'mutation($id: ID!) { deleteSlaPolicy(id: $id) }', { id: policy.id })).body.data.deleteSlaPolicy).toBe(
      true,
    );
    const gone = await gql(t, admin, 'query($id: ID!) { slaPolicy(id: $id) { id } }', { id: policy.id });
    expect(gone.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
