import { Clock } from '../../src/common/clock/clock';
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app';

describe('API keys (e2e)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = `Bearer ${tokenFor(`keys-admin-${randomUUID()}`, 'admin')}`;
  });
  afterAll(() => t.close());

  const createKey = (body: object, auth = admin) => request(t.url).post('/v1/api-keys').set('Authorization', auth).send(body);
  const me = (secret: string) => request(t.url).get('/v1/me').set('Authorization', `Bearer ${secret}`);

  it('POST /v1/api-keys returns the secret once; only its sha256 is stored; the key acts with its role', async () => {
    const created = await createKey({ name: 'nightly export', role: 'agent' }).expect(201);
    const { secret, id, prefix, userId } = created.body;
    expect(secret).toMatch(/^tdk_[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(prefix).toBe(secret.slice(0, 12));
    const [row] = await t.dataSource.query('SELECT * FROM api_key WHERE id = $1', [id]);
    expect(row.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);
    const caller = await me(secret).expect(200);
    expect(caller.body).toMatchObject({ id: userId, externalId: `apikey:${id}`, role: 'agent', name: 'nightly export' });
    const listed = await request(t.url).get('/v1/api-keys').query({ limit: 100 }).set('Authorization', admin).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const read = await request(t.url).get(`/v1/api-keys/${id}`).set('Authorization', admin).expect(200);
    expect(read.body.lastUsedAt).not.toBeNull();
    expect(read.body).not.toHaveProperty('secret');
  });

  it('a revoked key → 401, and revoking is immediate and idempotent', async () => {
    const { secret, id } = (await createKey({ name: 'to revoke', role: 'admin' }).expect(201)).body;
    await me(secret).expect(200);
    await request(t.url).delete(`/v1/api-keys/${id}`).set('Authorization', admin).expect(204);
    expect((await me(secret).expect(401)).body.code).toBe('UNAUTHENTICATED');
    await request(t.url).delete(`/v1/api-keys/${id}`).set('Authorization', admin).expect(204);
  });

  it('an expired key → 401', async () => {
    // Known keys are served from memory: the expiry must hold there too, not only in the database.
    const expiresAt = Date.now() + 1500;
    const { secret } = (await createKey({ name: 'short-lived', role: 'agent', expiresAt: new Date(expiresAt).toISOString() }).expect(201))
      .body;
    await me(secret).expect(200);
    await t.app.get(Clock).advance(expiresAt - Date.now() + 50); // past expiresAt, without waiting for it
    await me(secret).expect(401);
  });

  it('an unknown tdk_ secret → 401; bad input → 400 naming the field; agents may not create keys', async () => {
    await me(`tdk_${'A'.repeat(43)}`).expect(401);
    const bad = await createKey({ name: '', role: 'customer', expiresAt: 'tomorrow' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(expect.arrayContaining(['expiresAt', 'name', 'role']));
    const past = await createKey({ name: 'past', role: 'agent', expiresAt: '2020-01-01T00:00:00Z' }).expect(400);
    expect(past.body.errors[0].field).toBe('expiresAt');
    await createKey({ name: 'x', role: 'agent' }, `Bearer ${tokenFor('keys-agent', 'agent')}`).expect(403);
  });

  it('an API key can administer: an admin key creates another key', async () => {
    const { secret } = (await createKey({ name: 'provisioner', role: 'admin' }).expect(201)).body;
    await createKey({ name: 'child', role: 'agent' }, `Bearer ${secret}`).expect(201);
  });

  it('an idempotent replay of POST /v1/api-keys returns the same key without the secret (never stored unhashed)', async () => {
    const key = `idem-${randomUUID()}`;
    const first = await createKey({ name: 'replayed', role: 'agent' }).set('Idempotency-Key', key).expect(201);
    const replay = await createKey({ name: 'replayed', role: 'agent' }).set('Idempotency-Key', key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual({ ...first.body, secret: null });
    const stored = await t.dataSource.query('SELECT "responseBody"::text AS body FROM idempotency_key WHERE key = $1', [key]);
    expect(stored[0].body).not.toContain(first.body.secret);
  });

  it('GraphQL createApiKey / apiKeys / revokeApiKey', async () => {
    const gql = (query: string, variables = {}) => request(t.url).post('/graphql').set('Authorization', admin).send({ query, variables });
    const created = await gql(
      'mutation { createApiKey(input: { name: "gql", role: admin }, idempotencyKey: "gql-1") { id secret role createdAt } }',
    ).expect(200);
    const { id, secret } = created.body.data.createApiKey;
    expect(secret).toMatch(/^tdk_/);
    const replay = await gql(
      'mutation { createApiKey(input: { name: "gql", role: admin }, idempotencyKey: "gql-1") { id secret role createdAt } }',
    ).expect(200);
    expect(replay.body.errors).toBeUndefined();
    expect(replay.body.data.createApiKey).toEqual({ id, secret: null, role: 'admin', createdAt: created.body.data.createApiKey.createdAt });
    const revoked = await gql('mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id }).expect(200);
    expect(revoked.body.data.revokeApiKey.revokedAt).toEqual(expect.any(String));
    await me(secret).expect(401);
  });
});
