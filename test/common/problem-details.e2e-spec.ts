import request from 'supertest';
import { probeFixture } from '../support/probe/probe.module';
import { bearer, createTestApp, type TestApp } from '../support/test-app';

describe('Problem details and validation (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ...probeFixture, env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => t.close());

  const expectProblem = (res: request.Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(
      expect.objectContaining({
        type: expect.stringMatching(/^urn:tierdesk:problem:/),
        title: expect.any(String),
        status,
        detail: expect.any(String),
        code,
        errors: expect.any(Array),
      }),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/); // never a stack trace
  };

  it('unknown route → 404 NOT_FOUND', async () => {
    expectProblem(await request(t.url).get('/v1/nowhere'), 404, 'NOT_FOUND');
  });

  it('no credential → 401 UNAUTHENTICATED with WWW-Authenticate', async () => {
    const res = await request(t.url).get('/v1/me');
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('unknown fields → 400 naming each field', async () => {
    const res = await request(t.url).post('/v1/probes').set(bearer('ann')).send({ name: 'x', rank: 1, hacker: true, role: 'admin' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['hacker', 'role']);
  });

  it('wrong types and nested fields → 400 naming each field by its path', async () => {
    const res = await request(t.url)
      .post('/v1/probes')
      .set(bearer('ann'))
      .send({ name: 7, rank: 'high', labels: [{ text: 'ok' }, { text: '' }] });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = new Set(res.body.errors.map((e: { field: string }) => e.field));
    expect(fields).toEqual(new Set(['name', 'rank', 'labels[1].text']));
    expect(res.body.detail).toContain('name');
  });

  it('malformed JSON → 400 naming the body', async () => {
    const res = await request(t.url).post('/v1/probes').set(bearer('ann')).set('Content-Type', 'application/json').send('{"name": "x",');
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0].field).toBe('body');
  });

  it('oversized body → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.url)
      .post('/v1/probes')
      .set(bearer('ann'))
      .send({ name: 'x'.repeat(4000), rank: 1 });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('unsupported Content-Type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await request(t.url).post('/v1/probes').set(bearer('ann')).set('Content-Type', 'application/xml').send('<probe/>');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unexpected error → 500 INTERNAL without details', async () => {
    const res = await request(t.url).get('/v1/probes/boom/route').set(bearer('ann'));
    expectProblem(res, 500, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
  });

  it('nothing is half-written: invalid input and a failure after the write leave no row', async () => {
    const owner = `half-${Date.now()}`;
    await request(t.url).post('/v1/probes').set(bearer(owner)).send({ name: 'x', rank: 101 }).expect(400);
    await request(t.url).post('/v1/probes').set(bearer(owner)).send({ name: 'x', rank: 1, fail: 'after-write' }).expect(500);
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM probe WHERE owner = $1', [owner]);
    expect(count).toBe(0);
  });

  it('every response carries X-Request-Id; a well-formed incoming one is kept', async () => {
    const minted = await request(t.url).get('/health');
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(t.url).get('/v1/nowhere').set('X-Request-Id', 'trace-abc.123');
    expect(kept.headers['x-request-id']).toBe('trace-abc.123');
    const replaced = await request(t.url).get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(replaced.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('a handler without a role rule is refused to everyone (deny by default)', async () => {
    const res = await request(t.url).get('/v1/probes/unruled/route').set(bearer('root', 'admin'));
    expectProblem(res, 403, 'FORBIDDEN');
  });
});
