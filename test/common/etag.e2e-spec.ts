import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { probeFixture } from '../support/probe/probe.module';
import { bearer, createTestApp, type TestApp } from '../support/test-app';

describe('ETag and If-Match (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(probeFixture);
  });
  afterAll(() => t.close());

  /** A fresh probe (version 1) owned by a fresh caller. */
  const newProbe = async () => {
    const auth = bearer(`etag-${randomUUID()}`);
    const res = await request(t.url).post('/v1/probes').set(auth).send({ name: 'original', rank: 1 }).expect(201);
    return { id: res.body.id as string, auth };
  };
  const get = (id: string, auth: Record<string, string>) => request(t.url).get(`/v1/probes/${id}`).set(auth);
  const patch = (id: string, auth: Record<string, string>, name: string, ifMatch?: string) => {
    const req = request(t.url).patch(`/v1/probes/${id}`).set(auth);
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send({ name });
  };

  it('GET /v1/probes/:id sends ETag "<version>" matching body.version', async () => {
    const { id, auth } = await newProbe();
    const res = await get(id, auth).expect(200);
    expect(res.body.version).toBe(1);
    expect(res.headers.etag).toBe('"1"');
  });

  it('PATCH /v1/probes/:id with the current If-Match → 200, version + 1 and the new ETag', async () => {
    const { id, auth } = await newProbe();
    const res = await patch(id, auth, 'renamed', '"1"').expect(200);
    expect(res.body).toMatchObject({ name: 'renamed', version: 2 });
    expect(res.headers.etag).toBe('"2"');
    expect((await get(id, auth).expect(200)).headers.etag).toBe('"2"');
  });

  it('PATCH /v1/probes/:id with a stale If-Match → 412 PRECONDITION_FAILED and no change', async () => {
    const { id, auth } = await newProbe();
    await patch(id, auth, 'first', '"1"').expect(200);
    const res = await patch(id, auth, 'second', '"1"');
    expectProblem(res, 412, 'PRECONDITION_FAILED');
    expect((await get(id, auth).expect(200)).body).toMatchObject({ name: 'first', version: 2 });
  });

  it.each([['abc'], ['1'], ['"1'], ['"-1"'], ['"1.5"']])(
    'PATCH /v1/probes/:id with a malformed If-Match (%s) → 400 naming If-Match, no change',
    async (ifMatch) => {
      const { id, auth } = await newProbe();
      const res = await patch(id, auth, 'renamed', ifMatch);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['If-Match']);
      expect((await get(id, auth).expect(200)).body).toMatchObject({ name: 'original', version: 1 });
    },
  );

  it('PATCH /v1/probes/:id without If-Match is allowed (last write wins)', async () => {
    const { id, auth } = await newProbe();
    await patch(id, auth, 'first').expect(200);
    const res = await patch(id, auth, 'second').expect(200);
    expect(res.body).toMatchObject({ name: 'second', version: 3 });
  });

  it('PATCH /v1/probes/:id with If-Match * is allowed', async () => {
    const { id, auth } = await newProbe();
    const res = await patch(id, auth, 'renamed', '*').expect(200);
    expect(res.body.version).toBe(2);
    expect(res.headers.etag).toBe('"2"');
  });

  it("PATCH /v1/probes/:id of another caller's probe → 404, whatever the If-Match", async () => {
    const { id } = await newProbe();
    expectProblem(await patch(id, bearer(`etag-${randomUUID()}`), 'stolen', '"1"'), 404, 'NOT_FOUND');
  });

  it('PATCH /v1/probes/:id × 20 concurrent with If-Match "1" → exactly one 200, the rest 412, final version 2', async () => {
    const { id, auth } = await newProbe();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => patch(id, auth, `writer ${i}`, '"1"')));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(412)]);
    const winner = responses.find((r) => r.status === 200)!;
    const final = (await get(id, auth).expect(200)).body;
    expect(final).toMatchObject({ version: 2, name: winner.body.name });
  });
});

function expectProblem(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}
