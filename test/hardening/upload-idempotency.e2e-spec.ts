import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { log, png } from '../support/files';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// An upload's Idempotency-Key ignored the file: the same key with different bytes replayed the first upload.
describe('Idempotent uploads (e2e)', () => {
  let t: TestApp;
  let customer: Person;
  let ticketId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const admin = await person(t, 'admin');
    await tier(t, admin, 1);
    customer = await person(t, 'customer');
    ticketId = (await ticket(t, customer)).id;
  });
  afterAll(() => t.close());

  const upload = (key: string, files: { data: Buffer; filename: string }[]) => {
    const req = request(t.url).post(`/v1/tickets/${ticketId}/attachments`).set('Authorization', customer.auth).set('Idempotency-Key', key);
    for (const f of files) req.attach('file', f.data, { filename: f.filename, contentType: 'application/octet-stream' });
    return req;
  };
  const rows = async () =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM attachment WHERE "ticketId" = $1`, [ticketId]))[0].n as number;

  it('the same key and the same bytes replay the first upload and keep nothing more', async () => {
    const key = randomUUID();
    const files = [
      { data: png(32, 32), filename: 'screen.png' },
      { data: log(2000), filename: 'app.log' },
    ];
    const first = await upload(key, files).expect(201);
    const before = await rows();
    const again = await upload(key, files).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await rows()).toBe(before);
  });

  it('the same key with other bytes (same names) → 422 IDEMPOTENCY_KEY_REUSED, nothing kept', async () => {
    const key = randomUUID();
    await upload(key, [{ data: log(1000), filename: 'app.log' }]).expect(201);
    const before = await rows();
    const other = await upload(key, [{ data: log(1500), filename: 'app.log' }]);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await rows()).toBe(before);
  });

  it('a malformed key → 400 naming Idempotency-Key', async () => {
    const res = await upload('x'.repeat(300), [{ data: log(100), filename: 'app.log' }]);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('Idempotency-Key');
  });
});
