import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { Feed, sleep, untilLive, waitFor } from '../support/feed';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// A live subscription kept the access it started with: an agent removed from the tier still received internal notes,
// and an expired token, a deactivated user or a revoked key went on receiving.
describe("Live subscriptions follow the subscriber's current access (e2e)", () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  let tierId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    tierId = (await tier(t, admin, 1)).id;
  });
  afterAll(() => t.close());

  // Tickets are put in the test's tier by an admin: a new agent also joins the first line, where customers' tickets enter.
  const note = (ticketId: string, body = 'internal detail') =>
    request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set('Authorization', admin.auth)
      .send({ body, visibility: 'internal' })
      .expect(201);
  const member = (agent: Person, on: boolean) =>
    request(t.url)[on ? 'put' : 'delete'](`/v1/tiers/${tierId}/members/${agent.id}`).set('Authorization', admin.auth).expect(204);

  it('an agent removed from the tier receives nothing more of its tickets', async () => {
    const agent = await person(t, 'agent');
    await member(agent, true);
    const x = await ticket(t, admin, { tierId, requesterId: customer.id });
    const feed = new Feed(t, agent.auth);
    try {
      await untilLive([feed], () => note(x.id, 'ping'));
      await member(agent, false);
      // Events up to here may still be on their way (untilLive may have pinged twice); none after it may arrive.
      const [{ last }] = await t.dataSource.query('SELECT "lastEventSequence" AS last FROM ticket WHERE id = $1', [x.id]);
      await note(x.id, 'after removal');
      await sleep(500);
      expect(feed.of(x.id).filter((e) => e.sequence > last)).toEqual([]);
    } finally {
      await feed.dispose();
    }
  });

  it('an agent added to the tier receives its tickets from then on', async () => {
    const agent = await person(t, 'agent');
    const other = await tier(t, admin, 1, [agent]);
    const y = await ticket(t, admin, { tierId: other.id });
    const x = await ticket(t, admin, { tierId, requesterId: customer.id });
    const feed = new Feed(t, agent.auth);
    try {
      await untilLive([feed], () => note(y.id, 'ping'));
      await member(agent, true);
      await note(x.id, 'after joining');
      await waitFor(
        () => feed.of(x.id).length > 0,
        () => 'the event of the newly visible ticket',
      );
    } finally {
      await feed.dispose();
      await member(agent, false);
    }
  });

  it("a deactivated user's socket is closed (4403) at once", async () => {
    const agent = await person(t, 'agent');
    await member(agent, true);
    const x = await ticket(t, customer);
    const feed = new Feed(t, agent.auth);
    try {
      await untilLive([feed], () => note(x.id, 'ping'));
      await request(t.url).patch(`/v1/users/${agent.id}`).set('Authorization', admin.auth).send({ active: false }).expect(200);
      await waitFor(
        () => feed.codes().includes('close 4403'),
        () => `the socket closed with 4403, got ${feed.codes().join(', ') || 'nothing'}`,
      );
    } finally {
      await feed.dispose();
    }
  });

  it('a socket whose token expires is closed (4401)', async () => {
    const sub = `agent-${randomUUID()}`;
    const auth = `Bearer ${jwt.sign({ sub, role: 'agent', exp: Math.floor(Date.now() / 1000) + 2 }, TEST_JWT_SECRET, { algorithm: 'HS256' })}`;
    const feed = new Feed(t, auth);
    try {
      await waitFor(
        () => feed.codes().includes('close 4401'),
        () => `the socket closed with 4401, got ${feed.codes().join(', ') || 'nothing'}`,
        6000,
      );
    } finally {
      await feed.dispose();
    }
  });

  it("a revoked API key's socket is closed (4403)", async () => {
    const created = await request(t.url)
      .post('/v1/api-keys')
      .set('Authorization', admin.auth)
      .send({ name: `feed-${randomUUID()}`, role: 'admin' })
      .expect(201);
    const x = await ticket(t, customer);
    const feed = new Feed(t, `Bearer ${created.body.secret}`);
    try {
      await untilLive([feed], () => note(x.id, 'ping'));
      await request(t.url).delete(`/v1/api-keys/${created.body.id}`).set('Authorization', admin.auth).expect(204);
      await waitFor(
        () => feed.codes().includes('close 4403'),
        () => `the socket closed with 4403, got ${feed.codes().join(', ') || 'nothing'}`,
      );
    } finally {
      await feed.dispose();
    }
  });
});
