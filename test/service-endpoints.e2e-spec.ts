import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { probeFixture } from './support/probe/probe.module';
import { ProbeService } from './support/probe/probe.service';
import { bearer, createTestApp, type TestApp } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('Service endpoints (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(probeFixture);
  });
  afterAll(() => t.close());

  it('GET /health → 200 { status: "ok" } without a credential', async () => {
    const res = await request(t.url).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /ready → 200 with the database up and every migration applied', async () => {
    const res = await request(t.url).get('/ready').expect(200);
    expect(res.body).toEqual({ status: 'ready', database: 'up', migrations: 'applied' });
  });

  it('GET /metrics → 200 Prometheus text with the request-duration histogram, labelled by route template', async () => {
    await request(t.url).get('/health').expect(200);
    await request(t.url)
      .get(`/v1/probes/${randomUUID()}`)
      .set(bearer(`svc-${randomUUID()}`))
      .expect(404);
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).toMatch(
      /^http_request_duration_seconds_count\{(?=[^}]*method="GET")(?=[^}]*route="\/health")(?=[^}]*status="200")[^}]*\} [1-9]\d*$/m,
    );
    // Ids are not labels (unbounded cardinality): the route template is.
    expect(res.text).toMatch(
      /^http_request_duration_seconds_count\{(?=[^}]*route="\/v1\/probes\/:id")(?=[^}]*status="404")[^}]*\} [1-9]\d*$/m,
    );
    expect(res.text).not.toMatch(/route="\/v1\/probes\/[0-9a-f]{8}-/);
  });

  it('GET /openapi.json → an OpenAPI 3.1 document with a bearer security scheme', async () => {
    const res = await request(t.url).get('/openapi.json').expect(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    const schemes = Object.values(res.body.components.securitySchemes ?? {});
    expect(schemes).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(res.body.paths['/v1/me'].get.security).toEqual([{ bearer: [] }]);
    expect(res.body.paths['/health'].get.security).toBeUndefined();
  });

  it('GET /docs → 200 HTML reference page', async () => {
    const res = await request(t.url).get('/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
  });

  describe('with METRICS_TOKEN set', () => {
    let guarded: TestApp;
    beforeAll(async () => {
      guarded = await createTestApp({ env: { METRICS_TOKEN } });
    });
    afterAll(() => guarded.close());

    it('GET /metrics without the token → 401 UNAUTHENTICATED problem', async () => {
      for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, METRICS_TOKEN]) {
        const req = request(guarded.url).get('/metrics');
        const res = await (authorization ? req.set('Authorization', authorization) : req);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('UNAUTHENTICATED');
        expect(res.text).not.toContain('http_request_duration_seconds');
      }
    });

    it('GET /metrics with Authorization: Bearer <token> → 200', async () => {
      const res = await request(guarded.url).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(res.text).toContain('http_request_duration_seconds');
    });

    it('GET /health and /ready stay open', async () => {
      await request(guarded.url).get('/health').expect(200);
      await request(guarded.url).get('/ready').expect(200);
    });
  });

  describe('graceful shutdown', () => {
    it('app.close() while a request is in flight → the request still completes with 201', async () => {
      const app = await createTestApp(probeFixture);
      const create = jest.spyOn(app.app.get(ProbeService), 'create');
      const sub = `svc-${randomUUID()}`;
      // With an Idempotency-Key the response is stored after the handler returns: the database must outlive the drain.
      const slow = request(app.url)
        .post('/v1/probes')
        .set(bearer(sub))
        .set('Idempotency-Key', randomUUID())
        .send({ name: 'slow', rank: 1, delayMs: 800 });
      const response = slow.then((r) => r);
      while (create.mock.calls.length === 0) await sleep(10);
      const closing = app.close();
      const res = await response;
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'slow', version: 1 });
      await closing;
    });
  });
});
