import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app';

describe('Users and organizations (e2e)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = `Bearer ${tokenFor(`admin-${randomUUID()}`, 'admin')}`;
  });
  afterAll(() => t.close());

  const meAs = (sub: string, role: 'customer' | 'agent' | 'admin' = 'customer', claims = {}) =>
    request(t.url)
      .get('/v1/me')
      .set('Authorization', `Bearer ${tokenFor(sub, role, claims)}`);
  const gql = (auth: string, query: string, variables = {}) =>
    request(t.url).post('/graphql').set('Authorization', auth).send({ query, variables });

  it('later tokens update name, email and organization; the org is created once, on first sight', async () => {
    const sub = `jit-${randomUUID()}`;
    const org = `org-${randomUUID()}`;
    const first = (await meAs(sub, 'customer', { name: 'Ann', email: 'ann@a.test', org }).expect(200)).body;
    const second = (await meAs(sub, 'customer', { name: 'Ann B.', email: 'ann@b.test', org }).expect(200)).body;
    expect(second).toMatchObject({ id: first.id, name: 'Ann B.', email: 'ann@b.test', organizationId: first.organizationId });
    const colleague = (await meAs(`jit-${randomUUID()}`, 'customer', { org }).expect(200)).body;
    expect(colleague.organizationId).toBe(first.organizationId);
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM organization WHERE key = $1', [org]);
    expect(count).toBe(1);
  });

  it('concurrent first requests of one new user create exactly one user', async () => {
    const sub = `race-${randomUUID()}`;
    const ids = await Promise.all(Array.from({ length: 10 }, async () => (await meAs(sub).expect(200)).body.id));
    expect(new Set(ids).size).toBe(1);
  });

  it('GET /v1/users lists and filters users; GET /v1/users/:id reads one', async () => {
    const sub = `listed-${randomUUID()}`;
    const { id } = (await meAs(sub, 'agent').expect(200)).body;
    const agents: { id: string; role: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.url)
        .get('/v1/users')
        .query({ role: 'agent', limit: 100, ...(cursor ? { cursor } : {}) })
        .set('Authorization', admin)
        .expect(200);
      agents.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(agents.every((u) => u.role === 'agent')).toBe(true);
    expect(agents.map((u) => u.id)).toContain(id);
    const one = await request(t.url).get(`/v1/users/${id}`).set('Authorization', admin).expect(200);
    expect(one.body).toMatchObject({ id, externalId: sub, kind: 'person', role: 'agent', active: true, version: 1 });
    expect(one.headers.etag).toBe('"1"');
    await request(t.url).get(`/v1/users/${randomUUID()}`).set('Authorization', admin).expect(404);
    await request(t.url).get('/v1/users').query({ role: 'boss' }).set('Authorization', admin).expect(400);
  });

  it("PATCH /v1/users/:id changes a role, which then no longer follows the token's claim", async () => {
    const sub = `promoted-${randomUUID()}`;
    const { id } = (await meAs(sub, 'customer').expect(200)).body;
    const res = await request(t.url)
      .patch(`/v1/users/${id}`)
      .set('Authorization', admin)
      .set('If-Match', '"1"')
      .send({ role: 'agent' })
      .expect(200);
    expect(res.body).toMatchObject({ role: 'agent', version: 2 });
    expect((await meAs(sub, 'customer').expect(200)).body.role).toBe('agent');
    await request(t.url).patch(`/v1/users/${id}`).set('Authorization', admin).set('If-Match', '"1"').send({ role: 'admin' }).expect(412);
    await request(t.url).patch(`/v1/users/${id}`).set('Authorization', admin).send({ role: 'boss' }).expect(400);
    await request(t.url).patch(`/v1/users/${id}`).set('Authorization', admin).send({ externalId: 'hijack' }).expect(400);
  });

  it("a deactivated user's tokens are refused with 401, and work again once reactivated", async () => {
    const sub = `leaver-${randomUUID()}`;
    const { id } = (await meAs(sub).expect(200)).body;
    await request(t.url).patch(`/v1/users/${id}`).set('Authorization', admin).send({ active: false }).expect(200);
    const refused = await meAs(sub).expect(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');
    await request(t.url).patch(`/v1/users/${id}`).set('Authorization', admin).send({ active: true }).expect(200);
    await meAs(sub).expect(200);
  });

  it('an admin cannot deactivate or demote themself (409)', async () => {
    const sub = `self-${randomUUID()}`;
    const { id } = (await meAs(sub, 'admin').expect(200)).body;
    const self = `Bearer ${tokenFor(sub, 'admin')}`;
    expect((await request(t.url).patch(`/v1/users/${id}`).set('Authorization', self).send({ active: false }).expect(409)).body.code).toBe(
      'CONFLICT',
    );
    await request(t.url).patch(`/v1/users/${id}`).set('Authorization', self).send({ role: 'agent' }).expect(409);
  });

  it('organizations: staff list them, a customer sees only their own, an admin turns on shareTickets', async () => {
    const org = `share-${randomUUID()}`;
    const customer = (await meAs(`member-${randomUUID()}`, 'customer', { org }).expect(200)).body;
    const outsider = `Bearer ${tokenFor(`outsider-${randomUUID()}`, 'customer', { org: `other-${randomUUID()}` })}`;
    const member = `Bearer ${tokenFor(customer.externalId, 'customer', { org })}`;
    const own = await request(t.url).get(`/v1/organizations/${customer.organizationId}`).set('Authorization', member).expect(200);
    expect(own.body).toMatchObject({ key: org, name: org, shareTickets: false, version: 1 });
    await request(t.url).get(`/v1/organizations/${customer.organizationId}`).set('Authorization', outsider).expect(404);
    await request(t.url).get('/v1/organizations').set('Authorization', member).expect(403);
    const listed = await request(t.url)
      .get('/v1/organizations')
      .query({ limit: 100 })
      .set('Authorization', `Bearer ${tokenFor('org-agent', 'agent')}`)
      .expect(200);
    expect(Array.isArray(listed.body.data)).toBe(true);
    expect(listed.body.data.every((o: { key: string }) => typeof o.key === 'string')).toBe(true);
    const updated = await request(t.url)
      .patch(`/v1/organizations/${customer.organizationId}`)
      .set('Authorization', admin)
      .set('If-Match', '"1"')
      .send({ shareTickets: true, name: 'Acme' })
      .expect(200);
    expect(updated.body).toMatchObject({ shareTickets: true, name: 'Acme', version: 2 });
    await request(t.url)
      .patch(`/v1/organizations/${customer.organizationId}`)
      .set('Authorization', member)
      .send({ shareTickets: false })
      .expect(403);
  });

  it('GraphQL: users connection, updateUser with expectedVersion, user.organization, organization', async () => {
    const org = `gql-${randomUUID()}`;
    const { id, organizationId } = (await meAs(`gql-${randomUUID()}`, 'customer', { org }).expect(200)).body;
    const page = await gql(admin, '{ users(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }').expect(200);
    expect(page.body.data.users.edges).toHaveLength(2);
    const stale = await gql(admin, 'mutation($id: ID!) { updateUser(id: $id, input: { role: agent }, expectedVersion: 9) { id } }', { id });
    expect(stale.body.errors[0].extensions.code).toBe('PRECONDITION_FAILED');
    const ok = await gql(
      admin,
      'mutation($id: ID!) { updateUser(id: $id, input: { role: agent }, expectedVersion: 1) { role version organization { id key } } }',
      { id },
    );
    expect(ok.body.data.updateUser).toEqual({ role: 'agent', version: 2, organization: { id: organizationId, key: org } });
    const one = await gql(admin, 'query($id: ID!) { organization(id: $id) { key shareTickets } }', { id: organizationId });
    expect(one.body.data.organization).toEqual({ key: org, shareTickets: false });
  });
});
