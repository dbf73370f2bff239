import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { Clock } from '../../src/common/clock/clock';
import { WebhookDeliveryWorker } from '../../src/webhooks/webhook-delivery.worker';
import { Receiver, until, type Received } from '../support/receiver';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { gql, person, ticket, type Person } from '../support/world';

type Delivery = {
  id: string;
  webhookId: string;
  status: string;
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
};
type Hook = { id: string; secret: string; active: boolean; disabledReason: string | null; version: number };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('Webhooks (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  let agent: Person;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    agent = await person(t, 'agent');
    await request(t.url)
      .post('/v1/tiers')
      .set('Authorization', as(admin).auth)
      .send({ name: `L1-${randomUUID()}`, level: 1 });
  });
  beforeEach(async () => {
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    // Every test's subscriptions go, so the next test's tickets reach only its own.
    const list = await request(t.url).get('/v1/webhooks?limit=100').set('Authorization', as(admin).auth).expect(200);
    for (const hook of list.body.data)
      await request(t.url).delete(`/v1/webhooks/${hook.id}`).set('Authorization', as(admin).auth).expect(204);
    await receiver.close();
  });
  afterAll(() => t.close());

  // Tokens expire by the app's clock, which these tests move by hours: each request gets one issued at that time.
  const as = (p: Person): Person => {
    const iat = Math.floor(t.app.get(Clock).now() / 1000);
    return { ...p, auth: `Bearer ${jwt.sign({ sub: p.sub, role: p.role, iat, exp: iat + 600 }, TEST_JWT_SECRET, { algorithm: 'HS256' })}` };
  };

  const subscribe = async (body: Record<string, unknown> = {}): Promise<Hook> => {
    const res = await request(t.url)
      .post('/v1/webhooks')
      .set('Authorization', as(admin).auth)
      .send({ url: receiver.url, events: ['*'], ...body });
    if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const deliveries = async (hook: Hook): Promise<Delivery[]> =>
    (await request(t.url).get(`/v1/webhooks/${hook.id}/deliveries`).set('Authorization', as(admin).auth).expect(200)).body.data;
  const created = (ticketId: string) => () => receiver.about(ticketId).filter((r) => r.json.type === 'ticket.created');
  const advance = (ms: number) => t.app.get(Clock).advance(ms);
  const verify = (secret: string, r: Received) =>
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as Received['json'];

  it('POST /v1/webhooks returns the secret once; deliveries are signed per Standard Webhooks and carry the sequence', async () => {
    const hook = await subscribe({ events: ['ticket.created', 'ticket.status_changed'] });
    expect(hook.secret).toMatch(/^whsec_/);
    const read = await request(t.url).get(`/v1/webhooks/${hook.id}`).set('Authorization', as(admin).auth).expect(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.headers.etag).toBe(`"${read.body.version}"`);

    const mine = await ticket(t, as(customer));
    const [got] = await until(() => created(mine.id)().length === 1 && created(mine.id)(), 'the first delivery');
    const payload = verify(hook.secret, got);
    expect(payload).toMatchObject({ type: 'ticket.created', data: { ticketId: mine.id, ticketNumber: mine.number, sequence: 1 } });
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(() => verify(`whsec_${Buffer.alloc(24, 1).toString('base64')}`, got)).toThrow();
    // Only the types asked for: a message is not sent to this subscription.
    await request(t.url).post(`/v1/tickets/${mine.id}/messages`).set('Authorization', as(customer).auth).send({ body: 'more' }).expect(201);
    const [log] = await until(async () => {
      const d = await deliveries(hook);
      return d.length === 1 && d[0].status === 'succeeded' && d;
    }, 'the delivery logged');
    expect(log).toMatchObject({ status: 'succeeded', attempts: 1, lastResponseCode: 204, webhookId: got.headers['webhook-id'] });
  });

  it('a receiver that fails twice then succeeds gets three attempts with the same webhook-id, on the schedule', async () => {
    const hook = await subscribe({ events: ['ticket.created'] });
    let calls = 0;
    receiver.respond = (_, res) => res.writeHead([500, 503][calls++] ?? 200).end('internal details that must not leak');
    const mine = await ticket(t, as(customer));
    await until(() => created(mine.id)().length === 1, 'attempt 1');
    const [first] = await until(async () => {
      const d = await deliveries(hook);
      return d[0]?.attempts === 1 && d;
    }, 'attempt 1 recorded');
    expect(first).toMatchObject({ status: 'pending', lastResponseCode: 500, lastError: 'HTTP 500' });
    expect(JSON.stringify(first)).not.toContain('internal details');

    await advance(6 * SECOND); // 5 s ± 10 %
    await until(() => created(mine.id)().length === 2, 'attempt 2');
    await until(async () => (await deliveries(hook))[0].attempts === 2, 'attempt 2 recorded');
    await advance(4 * MINUTE); // not yet: the third attempt is due 5 min (± 10 %) later
    await new Promise((r) => setTimeout(r, 1500));
    expect(created(mine.id)()).toHaveLength(2);
    await advance(2 * MINUTE);
    await until(() => created(mine.id)().length === 3, 'attempt 3');

    const ids = new Set(created(mine.id)().map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of created(mine.id)()) expect(verify(hook.secret, r).data.ticketId).toBe(mine.id);
    const [done] = await until(async () => {
      const d = await deliveries(hook);
      return d[0].status === 'succeeded' && d;
    }, 'success recorded');
    expect(done).toMatchObject({ attempts: 3, lastResponseCode: 200, lastError: null, webhookId: [...ids][0] });
  });

  it('410 Gone disables the subscription; nothing more is sent to it', async () => {
    const hook = await subscribe({ events: ['ticket.created'] });
    receiver.respond = (_, res) => res.writeHead(410).end();
    const first = await ticket(t, as(customer));
    await until(() => created(first.id)().length === 1, 'the attempt');
    const off = await until(async () => {
      const res = await request(t.url).get(`/v1/webhooks/${hook.id}`).set('Authorization', as(admin).auth).expect(200);
      return !res.body.active && res.body;
    }, 'the subscription disabled');
    expect(off).toMatchObject({ active: false, disabledReason: 'gone' });
    expect(off.version).toBeGreaterThan(hook.version);
    expect((await deliveries(hook))[0]).toMatchObject({ status: 'failed', attempts: 1, lastResponseCode: 410 });

    const second = await ticket(t, as(customer));
    await new Promise((r) => setTimeout(r, 2500));
    expect(receiver.about(second.id)).toHaveLength(0);
    // Replaying into a disabled subscription is refused.
    const [d] = await deliveries(hook);
    await request(t.url).post(`/v1/webhooks/${hook.id}/deliveries/${d.id}/replay`).set('Authorization', as(admin).auth).expect(409);
  });

  it('a subscription failing every attempt for 24 h is disabled', async () => {
    const hook = await subscribe({ events: ['ticket.created'] });
    receiver.respond = (_, res) => res.writeHead(500).end();
    const mine = await ticket(t, as(customer));
    // Retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h: past 24 h of failures at the 8th attempt.
    const steps = [6 * SECOND, 6 * MINUTE, 34 * MINUTE, 2.3 * HOUR, 5.6 * HOUR, 11 * HOUR, 15.5 * HOUR];
    await until(() => created(mine.id)().length === 1, 'attempt 1');
    for (const [i, step] of steps.entries()) {
      await until(async () => (await deliveries(hook))[0].attempts === i + 1, `attempt ${i + 1} recorded`);
      await advance(step);
      await until(() => created(mine.id)().length === i + 2, `attempt ${i + 2}`);
    }
    const off = await until(async () => {
      const res = await request(t.url).get(`/v1/webhooks/${hook.id}`).set('Authorization', as(admin).auth).expect(200);
      return !res.body.active && res.body;
    }, 'the subscription disabled');
    expect(off).toMatchObject({ active: false, disabledReason: 'failing' });
    expect(off.failingSince).not.toBeNull();
    expect((await deliveries(hook))[0]).toMatchObject({ status: 'failed', attempts: 8 });
    // Turned back on by an admin, it starts healthy.
    const on = await request(t.url)
      .patch(`/v1/webhooks/${hook.id}`)
      .set('Authorization', as(admin).auth)
      .send({ active: true })
      .expect(200);
    expect(on.body).toMatchObject({ active: true, disabledReason: null, failingSince: null });
  });

  it('POST …/deliveries/{id}/replay sends the same body with the same webhook-id again', async () => {
    const hook = await subscribe({ events: ['ticket.created'] });
    const mine = await ticket(t, as(customer));
    await until(() => created(mine.id)().length === 1, 'the delivery');
    const [d] = await until(async () => {
      const list = await deliveries(hook);
      return list[0]?.status === 'succeeded' && list;
    }, 'success recorded');
    const replay = await request(t.url)
      .post(`/v1/webhooks/${hook.id}/deliveries/${d.id}/replay`)
      .set('Authorization', as(admin).auth)
      .set('Idempotency-Key', randomUUID())
      .expect(202);
    expect(replay.body).toMatchObject({ id: d.id, status: 'pending' });
    await until(() => created(mine.id)().length === 2, 'the replay');
    const [a, b] = created(mine.id)();
    expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
    expect(b.body).toBe(a.body);
    expect(verify(hook.secret, b).data.ticketId).toBe(mine.id);
    await until(async () => (await deliveries(hook))[0].attempts === 2, 'the replay recorded');
    await request(t.url).post(`/v1/webhooks/${hook.id}/deliveries/${randomUUID()}/replay`).set('Authorization', as(admin).auth).expect(404);
  });

  it('secret rotation: both secrets sign during the grace period, so old receivers keep verifying; then only the new one', async () => {
    const hook = await subscribe({ events: ['ticket.created'] });
    const rotated = await request(t.url)
      .post(`/v1/webhooks/${hook.id}/rotate-secret`)
      .set('Authorization', as(admin).auth)
      .send({ graceSeconds: 3600 })
      .expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    const during = await ticket(t, as(customer));
    const [got] = await until(() => created(during.id)().length === 1 && created(during.id)(), 'a delivery during the grace period');
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(hook.secret, got).data.ticketId).toBe(during.id);
    expect(verify(rotated.body.secret, got).data.ticketId).toBe(during.id);

    await advance(HOUR + MINUTE);
    const after = await ticket(t, as(customer));
    const [later] = await until(() => created(after.id)().length === 1 && created(after.id)(), 'a delivery after it');
    expect(String(later.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(rotated.body.secret, later).data.ticketId).toBe(after.id);
    expect(() => verify(hook.secret, later)).toThrow();
  });

  it('a customer-facing subscription never receives internal notes; one that includes them does', async () => {
    const publicHook = await subscribe();
    const staff = await Receiver.start();
    try {
      const staffHook = await subscribe({ url: staff.url, includeInternal: true });
      expect(publicHook).toMatchObject({ includeInternal: false });
      const mine = await ticket(t, as(customer));
      const marker = `INTERNAL-${randomUUID()}`;
      const note = (body: string, visibility: string) =>
        request(t.url).post(`/v1/tickets/${mine.id}/messages`).set('Authorization', as(admin).auth).send({ body, visibility }).expect(201);
      await note(`${marker} do not tell the customer`, 'internal');
      await note('We are on it', 'public');
      const messages = (r: Receiver) => r.about(mine.id).filter((m) => m.json.type === 'ticket.message_added');
      await until(() => messages(staff).length === 2, 'both messages to the staff receiver');
      await until(() => messages(receiver).length === 1, 'the public reply to the customer-facing receiver');
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.requests.some((r) => r.body.includes(marker))).toBe(false);
      expect(messages(receiver)[0].json.data).toMatchObject({ after: { body: 'We are on it', visibility: 'public' } });
      expect(staff.requests.some((r) => r.body.includes(marker))).toBe(true);
      expect(verify(staffHook.secret, messages(staff)[0]).data.ticketId).toBe(mine.id);
    } finally {
      await staff.close();
    }
  });

  it('redirects are not followed: a 302 to another receiver is a failed attempt, and that receiver gets nothing', async () => {
    const other = await Receiver.start();
    try {
      receiver.respond = (_, res) => res.writeHead(302, { location: other.url }).end();
      const hook = await subscribe({ events: ['ticket.created'] });
      const mine = await ticket(t, as(customer));
      await until(() => created(mine.id)().length === 1, 'the attempt');
      const [d] = await until(async () => {
        const list = await deliveries(hook);
        return list[0]?.attempts === 1 && list;
      }, 'the attempt recorded');
      expect(d).toMatchObject({ status: 'pending', lastResponseCode: 302, lastError: 'HTTP 302' });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('filters by priority and tier, judged when the event is dispatched', async () => {
    const urgentOnly = await subscribe({ events: ['ticket.created'], priorities: ['urgent'] });
    const normal = await ticket(t, as(customer));
    const urgent = await ticket(t, as(admin), { priority: 'urgent', requesterId: customer.id });
    await until(() => created(urgent.id)().length === 1, 'the urgent ticket');
    await new Promise((r) => setTimeout(r, 1000));
    expect(created(normal.id)()).toHaveLength(0);
    expect((await deliveries(urgentOnly)).length).toBe(1);
    const badTier = await request(t.url)
      .post('/v1/webhooks')
      .set('Authorization', as(admin).auth)
      .send({ url: receiver.url, events: ['*'], tierIds: [randomUUID()] })
      .expect(400);
    expect(badTier.body.errors[0].field).toBe('tierIds');
  });

  it('validation and access: unknown events and fields are 400 naming them; agents and customers are refused', async () => {
    const bad = await request(t.url)
      .post('/v1/webhooks')
      .set('Authorization', as(admin).auth)
      .send({ url: receiver.url, events: ['ticket.exploded'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('events');
    const ftp = await request(t.url)
      .post('/v1/webhooks')
      .set('Authorization', as(admin).auth)
      .send({ url: 'ftp://example.com/x', events: ['*'] });
    expect(ftp.status).toBe(400);
    expect(ftp.body.errors[0].field).toBe('url');
    await request(t.url).get('/v1/webhooks').set('Authorization', as(agent).auth).expect(403);
    await request(t.url)
      .post('/v1/webhooks')
      .set('Authorization', as(customer).auth)
      .send({ url: receiver.url, events: ['*'] })
      .expect(403);
    const hook = await subscribe();
    await request(t.url)
      .patch(`/v1/webhooks/${hook.id}`)
      .set('Authorization', as(admin).auth)
      .set('If-Match', '"99"')
      .send({ active: false })
      .expect(412);
    await request(t.url).patch(`/v1/webhooks/${hook.id}`).set('Authorization', as(admin).auth).send({ url: null }).expect(400);
  });

  it('GraphQL: createWebhook returns the secret once; webhooks, webhookDeliveries and rotateWebhookSecret match REST', async () => {
    const res = await gql(
      t,
      as(admin),
      `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id secret events active includeInternal } }`,
      { input: { url: receiver.url, events: ['ticket.created'] } },
    ).expect(200);
    const hook = res.body.data.createWebhook;
    expect(hook.secret).toMatch(/^whsec_/);
    const mine = await ticket(t, as(customer));
    await until(() => created(mine.id)().length === 1, 'the delivery');
    expect(verify(hook.secret, created(mine.id)()[0]).type).toBe('ticket.created');
    const list = await gql(
      t,
      as(admin),
      `query($id: ID!) { webhooks(first: 10) { edges { node { id } } } webhookDeliveries(webhookId: $id) { edges { node { webhookId attempts } } } }`,
      { id: hook.id },
    ).expect(200);
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data.webhooks.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(hook.id);
    expect(list.body.data.webhookDeliveries.edges).toHaveLength(1);
    const rotated = await gql(t, as(admin), `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret previousSecretExpiresAt } }`, {
      id: hook.id,
    }).expect(200);
    expect(rotated.body.data.rotateWebhookSecret.secret).toMatch(/^whsec_/);
    expect(rotated.body.data.rotateWebhookSecret.previousSecretExpiresAt).not.toBeNull();
    const denied = await gql(t, as(customer), `{ webhooks { edges { node { id } } } }`).expect(200);
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('the delivery log keeps 30 days: the daily clean-up removes older deliveries and keeps the rest', async () => {
    const hook = await subscribe({ events: ['ticket.created'] });
    await ticket(t, as(customer));
    const [d] = await until(async () => {
      const list = await deliveries(hook);
      return list[0]?.status === 'succeeded' && list;
    }, 'the delivery');
    const cleanUp = () => t.app.get(WebhookDeliveryWorker).cleanUp();
    // Rows are stamped by the database's time, the cut-off by the app's clock (which earlier tests moved ahead): set the
    // clock relative to the wall time the row was stamped at.
    const createdAt = Date.now();
    const clockAt = async (at: number) => advance(at - t.app.get(Clock).now());
    await clockAt(createdAt + 29 * DAY);
    await cleanUp();
    expect((await deliveries(hook)).map((x) => x.id)).toEqual([d.id]);
    await clockAt(createdAt + 31 * DAY);
    await cleanUp();
    expect(await deliveries(hook)).toEqual([]);
  });
});
