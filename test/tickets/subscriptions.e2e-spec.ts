import type { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Notifier } from '../../src/database/notifier';
import { EventBus, TICKET_EVENTS_TOPIC } from '../../src/events/event-bus';
import { TicketEventEntity } from '../../src/events/ticket-event.entity';
import { createTestApp, type TestApp } from '../support/test-app';
import { Feed, sleep, untilLive, WAIT_MS, waitFor, type FeedEvent } from '../support/feed';
import { person, ticket, tier, type Person } from '../support/world';

// Cross-replica tests need two app instances on one database: only the run's PostgreSQL database can be shared.
const pgOnly = process.env.TIERDESK_TEST_DB_URL ? it : it.skip;

function expectContiguous(events: FeedEvent[]): void {
  const sequences = events.map((e) => e.sequence);
  expect(sequences).toEqual(sequences.map((_, i) => sequences[0] + i));
  for (let i = 1; i < events.length; i++) expect(BigInt(events[i].cursor) > BigInt(events[i - 1].cursor)).toBe(true);
}

/** Listeners on a replica's local PubSub topic: one per attached subscription. */
function liveListeners(app: TestApp): number {
  return (app.app.get(EventBus).pubSub as unknown as { ee: EventEmitter }).ee.listenerCount(TICKET_EVENTS_TOPIC);
}

describe('Ticket event subscriptions (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let otherCustomer: Person;
  let home: { id: string };
  let elsewhere: { id: string };
  const feeds: Feed[] = [];
  const open = (app: TestApp, auth: string | null, variables: { ticketId?: string; after?: string } = {}) => {
    const feed = new Feed(app, auth, variables);
    feeds.push(feed);
    return feed;
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    otherCustomer = await person(t, 'customer');
    // The agent works in `home` only; `elsewhere` holds tickets the agent must not hear about.
    home = await tier(t, admin, 1, [agent]);
    elsewhere = await tier(t, admin, 1);
  });
  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((f) => f.dispose()));
  });
  afterAll(() => t.close());

  const newTicket = (requester: Person = customer, tierId = home.id) =>
    ticket(t, admin, { tierId, requesterId: requester.id, subject: `events ${randomUUID()}` });
  /** A change of the ticket (one ticket.updated event) by a staff member, through the given replica. */
  const change = (id: string, as: Person = agent, app: TestApp = t) =>
    request(app.url)
      .patch(`/v1/tickets/${id}`)
      .set('Authorization', as.auth)
      .send({ tags: [`t${randomUUID().slice(0, 8)}`] })
      .expect(200);
  const trail = async (id: string) =>
    (await request(t.url).get(`/v1/tickets/${id}/events`).query({ limit: 100 }).set('Authorization', admin.auth).expect(200)).body
      .data as (FeedEvent & { id: string })[];
  const lastCursor = async (id: string) => (await trail(id)).at(-1)!.cursor;

  /** Appends `count` audit events to a ticket directly in the table (history the subscriber has not seen). */
  async function appendHistory(ticketId: string, count: number): Promise<void> {
    await t.dataSource.query(
      `WITH bump AS (UPDATE ticket SET "lastEventSequence" = "lastEventSequence" + $2 WHERE id = $1 RETURNING "lastEventSequence" - $2 AS base)
       INSERT INTO ticket_event (id, "ticketId", sequence, type, "actorId", after)
       SELECT gen_random_uuid(), $1, bump.base + g, 'ticket.updated', NULL, jsonb_build_object('imported', g) FROM bump, generate_series(1, $2) g`,
      [ticketId, count],
    );
  }

  it('(a) an unauthenticated subscription gets an error with extensions.code UNAUTHENTICATED, and no events', async () => {
    const anonymous = open(t, null);
    const forged = open(t, 'Bearer not-a-token');
    await waitFor(
      () => anonymous.errors.length > 0 && forged.errors.length > 0,
      () => 'both errors',
    );
    expect(anonymous.codes()).toEqual(['UNAUTHENTICATED']);
    expect(forged.codes()).toEqual(['UNAUTHENTICATED']);
    const x = await newTicket();
    await change(x.id);
    await sleep(200);
    expect([...anonymous.events, ...forged.events]).toEqual([]);
  });

  it('(b) an agent receives the changes of their tickets live, in order, each once', async () => {
    const ping = await newTicket();
    const feed = open(t, agent.auth);
    await untilLive([feed], () => change(ping.id));

    const x = await newTicket();
    for (let i = 0; i < 5; i++) await change(x.id);
    // Concurrent writers: the row lock orders them, and the feed must keep that order.
    const replies = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        request(t.url)
          .post(`/v1/tickets/${x.id}/messages`)
          .set('Authorization', (i % 3 ? agent : customer).auth)
          .send({ body: `reply ${i}` }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 201));

    const expected = await trail(x.id);
    await waitFor(
      () => feed.of(x.id).length >= expected.length,
      () => `${expected.length} events of the ticket, got ${feed.of(x.id).length}`,
    );
    await sleep(200);
    expect(feed.of(x.id)).toEqual(expected.map(({ cursor, sequence, type, ticketId }) => ({ cursor, sequence, type, ticketId })));
    expect(feed.of(x.id)[0]).toMatchObject({ sequence: 1, type: 'ticket.created' });
    expectContiguous(feed.of(x.id));
    expect(feed.errors).toEqual([]);
  });

  it('(c) resume: after reconnecting with the last cursor, exactly the missed events arrive, then live ones', async () => {
    const x = await newTicket();
    const hidden = await newTicket(otherCustomer, elsewhere.id);
    const first = open(t, agent.auth, { after: await lastCursor(x.id) });
    for (let i = 0; i < 3; i++) await change(x.id);
    await waitFor(
      () => first.of(x.id).length === 3,
      () => `3 events, got ${first.of(x.id).length}`,
    );
    const seen = [...first.events];
    const resumeFrom = seen.at(-1)!.cursor;
    await first.dispose();

    // While disconnected: 5 changes the agent may see, and activity elsewhere it may not.
    for (let i = 0; i < 5; i++) {
      await change(x.id);
      await change(hidden.id, admin);
    }
    const resumed = open(t, agent.auth, { after: resumeFrom });
    await waitFor(
      () => resumed.of(x.id).length === 5,
      () => `the 5 missed events, got ${resumed.of(x.id).length}`,
    );
    for (let i = 0; i < 2; i++) await change(x.id);
    await waitFor(
      () => resumed.of(x.id).length === 7,
      () => `7 events, got ${resumed.of(x.id).length}`,
    );
    await sleep(200);

    expect(resumed.events).toEqual(resumed.of(x.id));
    expect(resumed.events.map((e) => e.sequence)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expectContiguous([...seen, ...resumed.events]);
    const all = await trail(x.id);
    expect([...seen, ...resumed.events].map((e) => e.cursor)).toEqual(all.slice(1).map((e) => e.cursor));
  });

  it('(c) resume across more than a thousand events of tickets the subscriber cannot see still delivers every missed event', async () => {
    const x = await newTicket();
    const busy = await newTicket(otherCustomer, elsewhere.id);
    const resumeFrom = await lastCursor(x.id);
    await appendHistory(busy.id, 1100);
    await change(x.id);
    await change(x.id);

    const resumed = open(t, agent.auth, { after: resumeFrom });
    await waitFor(
      () => resumed.of(x.id).length === 2,
      () => `the 2 missed events, got ${resumed.of(x.id).length}`,
      15_000,
    );
    expect(resumed.events.map((e) => [e.ticketId, e.sequence])).toEqual([
      [x.id, 2],
      [x.id, 3],
    ]);
  });

  it('(c) events committed while the backlog is being replayed are neither lost nor repeated', async () => {
    const x = await newTicket();
    const resumeFrom = await lastCursor(x.id);
    await appendHistory(x.id, 500);
    const resumed = open(t, agent.auth, { ticketId: x.id, after: resumeFrom });
    // The replay has started: changes now commit while it is still going.
    await waitFor(
      () => resumed.events.length > 0,
      () => 'the replay to start',
    );
    for (let i = 0; i < 5; i++) await change(x.id);

    await waitFor(
      () => resumed.events.length >= 505,
      () => `505 events, got ${resumed.events.length}`,
      15_000,
    );
    await sleep(200);
    expect(resumed.events).toHaveLength(505);
    expect(resumed.events[0].sequence).toBe(2);
    expectContiguous(resumed.events);
  });

  it('(d) ticketEvents(ticketId: X) yields only X’s events; a ticket the caller cannot see is NOT_FOUND', async () => {
    const x = await newTicket();
    const y = await newTicket();
    const feed = open(t, agent.auth, { ticketId: x.id, after: await lastCursor(x.id) });
    await change(y.id);
    await change(x.id);
    await change(y.id);
    await change(x.id);
    await waitFor(
      () => feed.events.length >= 2,
      () => `2 events of X, got ${feed.events.length}`,
    );
    await sleep(200);
    expect(feed.events.map((e) => [e.ticketId, e.sequence])).toEqual([
      [x.id, 2],
      [x.id, 3],
    ]);

    const foreign = await newTicket(otherCustomer, elsewhere.id);
    const agentOutside = open(t, agent.auth, { ticketId: foreign.id });
    const customerOutside = open(t, customer.auth, { ticketId: foreign.id });
    const badCursor = open(t, agent.auth, { ticketId: x.id, after: 'not-a-cursor' });
    await waitFor(
      () => [agentOutside, customerOutside, badCursor].every((f) => f.errors.length > 0),
      () => 'three errors',
    );
    expect(agentOutside.codes()).toEqual(['NOT_FOUND']);
    expect(customerOutside.codes()).toEqual(['NOT_FOUND']);
    expect(badCursor.codes()).toEqual(['VALIDATION_FAILED']);
    expect([...agentOutside.events, ...customerOutside.events, ...badCursor.events]).toEqual([]);
  });

  it('(e) a customer subscribed globally hears about their own ticket, not another customer’s, and never about internal notes', async () => {
    const mine = await newTicket(customer);
    const customerFeed = open(t, customer.auth);
    const agentFeed = open(t, agent.auth);
    await untilLive([customerFeed, agentFeed], () => change(mine.id));

    const theirs = await newTicket(otherCustomer);
    await change(theirs.id);
    await request(t.url)
      .post(`/v1/tickets/${mine.id}/messages`)
      .set('Authorization', agent.auth)
      .send({ body: 'internal hint', visibility: 'internal' })
      .expect(201);
    await request(t.url)
      .post(`/v1/tickets/${mine.id}/messages`)
      .set('Authorization', agent.auth)
      .send({ body: 'public answer' })
      .expect(201);
    const all = await trail(mine.id);
    const [internalNote, publicReply] = all.filter((e) => e.type === 'ticket.message_added');
    const statusChange = all.at(-1)!;
    expect(statusChange.type).toBe('ticket.status_changed');

    // The agent's feed is the control: once it has everything, so has the customer's (same replica, same order).
    await waitFor(
      () => agentFeed.events.some((e) => e.cursor === statusChange.cursor),
      () => 'the agent to see the status change',
    );
    await waitFor(
      () => customerFeed.events.some((e) => e.cursor === statusChange.cursor),
      () => 'the customer to see the status change',
    );
    await sleep(200);
    expect(agentFeed.events.map((e) => e.cursor)).toEqual(expect.arrayContaining([internalNote.cursor, publicReply.cursor]));
    expect(agentFeed.of(theirs.id).map((e) => e.type)).toEqual(['ticket.created', 'ticket.updated']);
    expect(customerFeed.of(theirs.id)).toEqual([]);
    expect(customerFeed.events.map((e) => e.cursor)).not.toContain(internalNote.cursor);
    expect(customerFeed.events.slice(-2).map((e) => e.cursor)).toEqual([publicReply.cursor, statusChange.cursor]);
    expect(customerFeed.events.every((e) => e.ticketId === mine.id)).toBe(true);
  });

  it('(f) outbox recovery: an event committed without dispatch (crash before publishing) is published by the sweep', async () => {
    const x = await newTicket();
    const feed = open(t, agent.auth);
    await untilLive([feed], () => change(x.id));

    // What a process that died right after commit leaves behind: the event and its unpublished outbox row.
    const [{ eventId, position, sequence, outboxId }] = await t.dataSource.transaction(async (em) => {
      const [event] = await em.query(
        `WITH bump AS (UPDATE ticket SET "lastEventSequence" = "lastEventSequence" + 1 WHERE id = $1 RETURNING "lastEventSequence")
         INSERT INTO ticket_event (id, "ticketId", sequence, type, "actorId", after)
         SELECT gen_random_uuid(), $1, bump."lastEventSequence", 'ticket.updated', NULL, '{"recovered": true}' FROM bump
         RETURNING id, position::text AS position, sequence`,
        [x.id],
      );
      const [outbox] = await em.query(`INSERT INTO outbox ("eventId") VALUES ($1) RETURNING id`, [event.id]);
      return [
        {
          eventId: event.id as string,
          position: event.position as string,
          sequence: event.sequence as number,
          outboxId: outbox.id as string,
        },
      ];
    });

    await waitFor(
      () => feed.events.some((e) => e.cursor === position),
      () => `the recovered event ${eventId}`,
    );
    const [row] = await t.dataSource.query(`SELECT "publishedAt" FROM outbox WHERE id = $1`, [outboxId]);
    expect(row.publishedAt).not.toBeNull();
    await sleep(300);
    expect(feed.events.filter((e) => e.cursor === position)).toEqual([
      { cursor: position, sequence, type: 'ticket.updated', ticketId: x.id },
    ]);
    expectContiguous(feed.of(x.id));
  });

  it('a replica publishes notified events in notification order, even when the first batch is slower to read', async () => {
    const x = await newTicket();
    // Events without outbox rows: only the simulated notifications below publish them.
    await appendHistory(x.id, 2);
    const [, second, third] = await trail(x.id);
    const bus = t.app.get(EventBus);
    const published: string[] = [];
    const subscription = await bus.pubSub.subscribe(TICKET_EVENTS_TOPIC, (event: { id: string }) => published.push(event.id));
    // Two notifications back to back (as the LISTEN connection hands them over); reading the first one's events is slow.
    const events = t.dataSource.getRepository(TicketEventEntity);
    const find = events.find;
    let calls = 0;
    events.find = async function (this: typeof events, ...args: Parameters<typeof find>) {
      const slow = calls++ === 0;
      const found = await find.apply(this, args);
      if (slow) await sleep(300);
      return found;
    } as typeof find;
    try {
      await Promise.all([bus.deliver([second.id]), bus.deliver([third.id])]);
    } finally {
      events.find = find;
      bus.pubSub.unsubscribe(subscription);
    }
    expect(published.filter((id) => id === second.id || id === third.id)).toEqual([second.id, third.id]);
    expect([second.sequence, third.sequence]).toEqual([2, 3]);
  });

  it('a subscriber that disconnects releases its live feed on the server', async () => {
    const x = await newTicket();
    const cursor = await lastCursor(x.id);
    const before = liveListeners(t);
    const group = [
      open(t, agent.auth, { after: cursor }),
      open(t, agent.auth, { ticketId: x.id, after: cursor }),
      open(t, customer.auth, { after: cursor }),
    ];
    await change(x.id);
    await waitFor(
      () => group.every((f) => f.events.length === 1),
      () => 'every feed to get the change',
    );
    expect(liveListeners(t)).toBe(before + 3);

    await Promise.all(group.map((f) => f.dispose()));
    await waitFor(
      () => liveListeners(t) === before,
      () => `listeners back to ${before}, now ${liveListeners(t)}`,
    );
  });

  it('closing a replica with subscribers connected completes promptly and ends their subscriptions', async () => {
    const extra = await createTestApp();
    let closing: Promise<void> | undefined;
    try {
      const reader = await person(extra, 'agent');
      const mine = await tier(extra, await person(extra, 'admin'), 1, [reader]);
      const x = await ticket(extra, reader, { tierId: mine.id });
      const feed = open(extra, reader.auth);
      await untilLive([feed], () =>
        request(extra.url)
          .patch(`/v1/tickets/${x.id}`)
          .set('Authorization', reader.auth)
          .send({ tags: [randomUUID().slice(0, 8)] })
          .expect(200),
      );
      const started = Date.now();
      await (closing = extra.close());
      expect(Date.now() - started).toBeLessThan(WAIT_MS);
      await waitFor(
        () => feed.completed || feed.errors.length > 0,
        () => 'the subscription to end',
      );
    } finally {
      if (!closing) await extra.close();
    }
  });

  describe('across replicas (PostgreSQL LISTEN/NOTIFY)', () => {
    let b: TestApp;
    beforeAll(async () => {
      if (process.env.TIERDESK_TEST_DB_URL) b = await createTestApp();
    });
    afterAll(async () => {
      await b?.close();
    });

    pgOnly('(g) a change through replica A reaches a subscriber on replica B exactly once', async () => {
      const ping = await newTicket();
      const feed = open(b, agent.auth);
      await untilLive([feed], () => change(ping.id, agent, t));

      const x = await newTicket();
      for (let i = 0; i < 5; i++) await change(x.id, agent, t);
      const expected = await trail(x.id);
      await waitFor(
        () => feed.of(x.id).length >= expected.length,
        () => `${expected.length} events on B, got ${feed.of(x.id).length}`,
      );
      await sleep(500);
      expect(feed.of(x.id)).toEqual(expected.map(({ cursor, sequence, type, ticketId }) => ({ cursor, sequence, type, ticketId })));
    });

    pgOnly('a replica whose LISTEN connection drops, and cannot reconnect at first, keeps trying and delivers again', async () => {
      const x = await newTicket();
      const feed = open(b, agent.auth);
      await untilLive([feed], () => change(x.id, agent, t));
      const notifier = b.app.get(Notifier) as unknown as { client: { processID: number } | null };
      const pid = notifier.client!.processID;
      const config = b.config as unknown as { database: { url: string } };
      const database = config.database;
      try {
        // PostgreSQL unreachable for a moment (restart, failover): B's first attempts to LISTEN again fail.
        config.database = { ...database, url: 'postgres://postgres@127.0.0.1:1/unreachable' };
        await t.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
        await waitFor(
          () => notifier.client === null,
          () => 'B to notice the lost connection',
        );
        await sleep(2500);
        expect(notifier.client).toBeNull();
      } finally {
        config.database = database;
      }
      await untilLive([feed], () => change(x.id, agent, t));
      expect(notifier.client!.processID).not.toBe(pid);
    });

    pgOnly('(g) a replica slow to finish dispatching cannot let another publish a later event of the same ticket first', async () => {
      const x = await newTicket();
      const feed = open(b, agent.auth, { ticketId: x.id, after: await lastCursor(x.id) });
      await untilLive([feed], () => change(x.id, agent, b));
      const busA = t.app.get(EventBus);
      const announce = busA.announceInTransaction;
      const gates: (() => void)[] = [];
      try {
        // Replica A claims the next change's outbox row, then stalls before its dispatch transaction commits. (Any
        // replica of the run may sweep the row first; then try again.)
        let held: { id: string; cursor: string } | undefined;
        for (let attempt = 0; attempt < 3 && !held; attempt++) {
          let entered!: (ids: string[]) => void;
          const claimed = new Promise<string[]>((resolve) => (entered = resolve));
          const gate = new Promise<void>((resolve) => gates.push(resolve));
          busA.announceInTransaction = async (em, ids) => {
            busA.announceInTransaction = announce;
            entered(ids);
            await gate;
            return announce.call(busA, em, ids);
          };
          await change(x.id, agent, t);
          const [event] = (await trail(x.id)).slice(-1);
          const ids = await Promise.race([claimed, sleep(2000).then(() => [] as string[])]);
          if (ids.includes(event.id)) held = event;
          else {
            busA.announceInTransaction = announce;
            gates.forEach((open) => open());
          }
        }
        expect(held).toBeDefined();
        // Meanwhile the next change of the same ticket is made, and dispatched, on replica B.
        await change(x.id, agent, b);
        const [next] = (await trail(x.id)).slice(-1);
        await sleep(500);
        gates.forEach((open) => open());
        await waitFor(
          () => [held!.cursor, next.cursor].every((c) => feed.events.some((e) => e.cursor === c)),
          () => 'both changes on B',
        );
        await sleep(300);
        expectContiguous(feed.events);
        expect(feed.events.slice(-2).map((e) => e.cursor)).toEqual([held!.cursor, next.cursor]);
      } finally {
        busA.announceInTransaction = announce;
        gates.forEach((open) => open());
      }
    });
  });
});
