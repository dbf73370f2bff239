import request from 'supertest';
import { Receiver, until } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, type Person } from '../support/world';

// The guard as it runs in production (WEBHOOK_ALLOW_PRIVATE unset). Every target is local to this machine: nothing
// may reach any of them, and nothing leaves the machine.
describe('Webhook SSRF guard (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const port = () => new URL(receiver.url).port;
  const create = (url: string) =>
    request(t.url)
      .post('/v1/webhooks')
      .set('Authorization', admin.auth)
      .send({ url, events: ['*'] });

  it.each([
    ['loopback', () => `http://127.0.0.1:${port()}/hook`],
    ['IPv6 loopback', () => `http://[::1]:${port()}/hook`],
    ['a private address', () => `http://10.0.0.7:${port()}/hook`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a hostname resolving to loopback', () => `http://localhost:${port()}/hook`],
    ['an IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port()}/hook`],
    ['a CGNAT address', () => 'http://100.64.1.1/hook'],
    ['a non-http scheme', () => 'file:///etc/passwd'],
  ])('POST /v1/webhooks refuses %s with 400 naming url', async (_, url) => {
    const res = await create(url());
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'url' }] });
    expect(receiver.requests).toHaveLength(0);
  });

  it('PATCH cannot point a subscription at loopback either', async () => {
    const hook = await create('http://93.184.215.14/hook').expect(201); // a public literal: no DNS, nothing is sent yet
    const res = await request(t.url).patch(`/v1/webhooks/${hook.body.id}`).set('Authorization', admin.auth).send({ url: receiver.url });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('url');
    await request(t.url).delete(`/v1/webhooks/${hook.body.id}`).set('Authorization', admin.auth).expect(204);
  });

  it.each([
    ['127.0.0.1', () => receiver.url],
    ['localhost (resolved again at connect time)', () => `http://localhost:${port()}/hook`],
  ])('a target that has turned into %s since it was accepted is refused at delivery, every attempt', async (_, url) => {
    // Accepted while public; then its address changed (as with DNS rebinding). Written straight to the row: the API would refuse it.
    const hook = await create('http://93.184.215.14/hook').expect(201);
    await t.dataSource.query(`UPDATE webhook_subscription SET url = $2 WHERE id = $1`, [hook.body.id, url()]);
    const mine = await ticket(t, customer);
    const [d] = await until(async () => {
      const res = await request(t.url).get(`/v1/webhooks/${hook.body.id}/deliveries`).set('Authorization', admin.auth).expect(200);
      return res.body.data.length > 0 && res.body.data[0].attempts === 1 && res.body.data;
    }, 'the refused attempt');
    expect(d).toMatchObject({ status: 'pending', lastResponseCode: null });
    expect(d.lastError).toMatch(/^refused target: .*(127\.0\.0\.1|::1) is a loopback, private, link-local or reserved address$/);
    expect(receiver.requests).toHaveLength(0);
    expect(mine.id).toBeDefined();
    await request(t.url).delete(`/v1/webhooks/${hook.body.id}`).set('Authorization', admin.auth).expect(204);
  });
});
