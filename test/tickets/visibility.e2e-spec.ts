import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

// Tiers here are not level 1: in a shared database the oldest level-1 tier is where every other test file's customer-created
// tickets land. Every ticket in this file is created by staff with an explicit tierId.
const TIER_LEVEL = 5;

// Who sees a ticket, checked over every ticket route. Not visible → 404 / NOT_FOUND (never 403, never a hint that the
// ticket exists); visible but not allowed → 403 / FORBIDDEN. Each row gets a fresh ticket (A's, in the "inside" tier),
// runs every probe in order (reads first, then writes) and compares the whole outcome table at once.

interface TicketRef {
  id: string;
  createdAt: string;
}

/** One probe's outcome: `200`, `404 NOT_FOUND` (REST); `ok`, `NOT_FOUND` (GraphQL); `listed` / `absent` (lists). */
type Outcome = string;

const rest = (res: request.Response): Outcome => (res.status < 300 ? String(res.status) : `${res.status} ${res.body.code}`);
const graphql = (res: request.Response, field: string): Outcome => {
  if (res.status !== 200) return `HTTP ${res.status}`;
  if (res.body.errors?.length) return res.body.errors.map((e: { extensions?: { code?: string } }) => e.extensions?.code).join(',');
  return res.body.data?.[field] ? 'ok' : 'no data';
};

describe('Ticket visibility over every route (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agentInside: Person;
  let agentOutside: Person;
  let agentAssigned: Person;
  let customerA: Person;
  let customerB: Person;
  let customerC: Person;
  let orgX: string;
  let inside: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    const org = (name: string) => `${name}-${randomUUID()}`;
    const x = org('org-x');
    admin = await person(t, 'admin');
    agentInside = await person(t, 'agent');
    agentOutside = await person(t, 'agent');
    agentAssigned = await person(t, 'agent');
    customerA = await person(t, 'customer', { org: x });
    customerB = await person(t, 'customer', { org: org('org-y') });
    customerC = await person(t, 'customer', { org: x });
    orgX = (await request(t.url).get('/v1/me').set('Authorization', customerA.auth).expect(200)).body.organizationId;
    expect(orgX).toEqual(expect.any(String));
    inside = await tier(t, admin, TIER_LEVEL, [agentInside]);
    await tier(t, admin, TIER_LEVEL, [agentOutside, agentAssigned]);
  });
  afterAll(() => t.close());

  const sharing = async (shareTickets: boolean) => {
    const res = await request(t.url).patch(`/v1/organizations/${orgX}`).set('Authorization', admin.auth).send({ shareTickets }).expect(200);
    expect(res.body.shareTickets).toBe(shareTickets);
  };

  /** A's ticket, created by staff in the "inside" tier (explicit tierId: the database may be shared). */
  const freshTicket = async (extra: Record<string, unknown> = {}): Promise<TicketRef> => {
    const created = await ticket(t, admin, {
      requesterId: customerA.id,
      tierId: inside.id,
      subject: `Visibility ${randomUUID()}`,
      ...extra,
    });
    expect(created).toMatchObject({ tierId: inside.id, requesterId: customerA.id, organizationId: orgX, status: 'new' });
    return created as unknown as TicketRef;
  };

  // ---- the probes ------------------------------------------------------------------------------------------------

  /** Pages through GET /v1/tickets (narrowed to tickets created since this one) until the ticket shows up or the list ends. */
  async function restListed(as: Person, tk: TicketRef): Promise<Outcome> {
    let cursor: string | undefined;
    do {
      const res = await request(t.url)
        .get('/v1/tickets')
        .query({ createdAfter: tk.createdAt, limit: 100, ...(cursor ? { cursor } : {}) })
        .set('Authorization', as.auth);
      if (res.status !== 200) return rest(res);
      if (res.body.data.some((x: { id: string }) => x.id === tk.id)) return 'listed';
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    return 'absent';
  }

  async function graphqlListed(as: Person, tk: TicketRef): Promise<Outcome> {
    let after: string | null = null;
    for (;;) {
      const res = await gql(
        t,
        as,
        'query($f: TicketFilter, $after: String) { tickets(first: 100, after: $after, filter: $f) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        {
          f: { createdAfter: tk.createdAt },
          after,
        },
      );
      if (res.body.errors?.length) return graphql(res, 'tickets');
      const { edges, pageInfo } = res.body.data.tickets;
      if (edges.some((e: { node: { id: string } }) => e.node.id === tk.id)) return 'listed';
      if (!pageInfo.hasNextPage) return 'absent';
      after = pageInfo.endCursor;
    }
  }

  /** `ticketEvents(ticketId, after: "0")` over graphql-ws: `streams` once the ticket's replayed events arrive, else the error code. */
  async function subscription(as: Person, tk: TicketRef): Promise<Outcome> {
    const client = createClient({
      url: `${t.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { Authorization: as.auth },
    });
    try {
      return await new Promise<Outcome>((resolve) => {
        const timer = setTimeout(() => resolve('silent'), 3000);
        const done = (outcome: Outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        };
        client.subscribe<{ ticketEvents: { ticketId: string } }>(
          { query: 'subscription($id: ID) { ticketEvents(ticketId: $id, after: "0") { ticketId type } }', variables: { id: tk.id } },
          {
            next: (r) =>
              done(
                r.errors?.length
                  ? r.errors.map((e) => e.extensions?.code).join(',')
                  : r.data?.ticketEvents.ticketId === tk.id
                    ? 'streams'
                    : 'foreign event',
              ),
            error: (e) =>
              done(
                Array.isArray(e)
                  ? e.map((x: { extensions?: { code?: string } }) => x.extensions?.code).join(',')
                  : `socket error ${String((e as { code?: number }).code ?? e)}`,
              ),
            complete: () => done('completed'),
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  const staff = (p: Person) => p.role !== 'customer';

  const probes: Record<string, (as: Person, tk: TicketRef) => Promise<Outcome>> = {
    // reads
    'GET /v1/tickets/:id': async (as, tk) => rest(await request(t.url).get(`/v1/tickets/${tk.id}`).set('Authorization', as.auth)),
    'GET /v1/tickets/:id/messages': async (as, tk) =>
      rest(await request(t.url).get(`/v1/tickets/${tk.id}/messages`).set('Authorization', as.auth)),
    'GET /v1/tickets/:id/events': async (as, tk) =>
      rest(await request(t.url).get(`/v1/tickets/${tk.id}/events`).set('Authorization', as.auth)),
    'GET /v1/tickets': restListed,
    'Query.ticket': async (as, tk) =>
      graphql(
        await gql(t, as, 'query($id: ID!) { ticket(id: $id) { id subject messages { edges { node { id } } } } }', { id: tk.id }),
        'ticket',
      ),
    'Query.ticket { events }': async (as, tk) =>
      graphql(await gql(t, as, 'query($id: ID!) { ticket(id: $id) { id events { edges { node { type } } } } }', { id: tk.id }), 'ticket'),
    'Query.tickets': graphqlListed,
    'Subscription.ticketEvents': subscription,
    // writes: what the role may change (customers: subject while new; staff: priority)
    'PATCH /v1/tickets/:id': async (as, tk) =>
      rest(
        await request(t.url)
          .patch(`/v1/tickets/${tk.id}`)
          .set('Authorization', as.auth)
          .send(staff(as) ? { priority: 'high' } : { subject: `Edited by ${as.sub}` }),
      ),
    'Mutation.updateTicket': async (as, tk) =>
      graphql(
        await gql(t, as, 'mutation($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { id } }', {
          id: tk.id,
          input: staff(as) ? { priority: 'low' } : { description: `Edited by ${as.sub}` },
        }),
        'updateTicket',
      ),
    'POST /v1/tickets/:id/messages': async (as, tk) =>
      rest(
        await request(t.url)
          .post(`/v1/tickets/${tk.id}/messages`)
          .set('Authorization', as.auth)
          .send({ body: `Reply from ${as.sub}` }),
      ),
    'Mutation.addTicketMessage': async (as, tk) =>
      graphql(
        await gql(t, as, 'mutation($id: ID!) { addTicketMessage(ticketId: $id, input: { body: "GraphQL reply" }) { id } }', { id: tk.id }),
        'addTicketMessage',
      ),
    // writes only staff may make: a customer gets 403 on a ticket it sees, 404 on one it does not
    'POST /v1/tickets/:id/messages (internal)': async (as, tk) =>
      rest(
        await request(t.url)
          .post(`/v1/tickets/${tk.id}/messages`)
          .set('Authorization', as.auth)
          .send({ body: 'Internal note', visibility: 'internal' }),
      ),
    'Mutation.addTicketMessage (internal)': async (as, tk) =>
      graphql(
        await gql(
          t,
          as,
          'mutation($id: ID!) { addTicketMessage(ticketId: $id, input: { body: "Internal note", visibility: internal }) { id } }',
          { id: tk.id },
        ),
        'addTicketMessage',
      ),
    'PATCH /v1/tickets/:id (status)': async (as, tk) =>
      rest(await request(t.url).patch(`/v1/tickets/${tk.id}`).set('Authorization', as.auth).send({ status: 'pending' })),
    'Mutation.updateTicket (status)': async (as, tk) =>
      graphql(
        await gql(t, as, 'mutation($id: ID!) { updateTicket(id: $id, input: { status: on_hold }) { id } }', { id: tk.id }),
        'updateTicket',
      ),
  };

  // ---- the expectations ------------------------------------------------------------------------------------------

  const HIDDEN: Record<string, Outcome> = {
    'GET /v1/tickets/:id': '404 NOT_FOUND',
    'GET /v1/tickets/:id/messages': '404 NOT_FOUND',
    'GET /v1/tickets/:id/events': '404 NOT_FOUND',
    'GET /v1/tickets': 'absent',
    'Query.ticket': 'NOT_FOUND',
    'Query.ticket { events }': 'NOT_FOUND',
    'Query.tickets': 'absent',
    'Subscription.ticketEvents': 'NOT_FOUND',
    'PATCH /v1/tickets/:id': '404 NOT_FOUND',
    'Mutation.updateTicket': 'NOT_FOUND',
    'POST /v1/tickets/:id/messages': '404 NOT_FOUND',
    'Mutation.addTicketMessage': 'NOT_FOUND',
    'POST /v1/tickets/:id/messages (internal)': '404 NOT_FOUND',
    'Mutation.addTicketMessage (internal)': 'NOT_FOUND',
    'PATCH /v1/tickets/:id (status)': '404 NOT_FOUND',
    'Mutation.updateTicket (status)': 'NOT_FOUND',
  };
  const SEEN_BY_CUSTOMER: Record<string, Outcome> = {
    'GET /v1/tickets/:id': '200',
    'GET /v1/tickets/:id/messages': '200',
    'GET /v1/tickets/:id/events': '403 FORBIDDEN',
    'GET /v1/tickets': 'listed',
    'Query.ticket': 'ok',
    'Query.ticket { events }': 'FORBIDDEN',
    'Query.tickets': 'listed',
    'Subscription.ticketEvents': 'streams',
    'PATCH /v1/tickets/:id': '200',
    'Mutation.updateTicket': 'ok',
    'POST /v1/tickets/:id/messages': '201',
    'Mutation.addTicketMessage': 'ok',
    'POST /v1/tickets/:id/messages (internal)': '403 FORBIDDEN',
    'Mutation.addTicketMessage (internal)': 'FORBIDDEN',
    'PATCH /v1/tickets/:id (status)': '403 FORBIDDEN',
    'Mutation.updateTicket (status)': 'FORBIDDEN',
  };
  const SEEN_BY_STAFF: Record<string, Outcome> = {
    ...SEEN_BY_CUSTOMER,
    'GET /v1/tickets/:id/events': '200',
    'Query.ticket { events }': 'ok',
    'POST /v1/tickets/:id/messages (internal)': '201',
    'Mutation.addTicketMessage (internal)': 'ok',
    'PATCH /v1/tickets/:id (status)': '200',
    'Mutation.updateTicket (status)': 'ok',
  };

  interface Row {
    who: string;
    as: () => Person;
    /** The organization's shareTickets while the row runs. */
    share: boolean;
    ticket?: () => Record<string, unknown>;
    expected: Record<string, Outcome>;
  }
  const rows: Row[] = [
    { who: 'customer A, the requester', as: () => customerA, share: false, expected: SEEN_BY_CUSTOMER },
    { who: 'customer B, another organization', as: () => customerB, share: true, expected: HIDDEN },
    { who: "customer C, A's organization, shareTickets off", as: () => customerC, share: false, expected: HIDDEN },
    { who: "customer C, A's organization, shareTickets on", as: () => customerC, share: true, expected: SEEN_BY_CUSTOMER },
    { who: "agent in the ticket's tier", as: () => agentInside, share: false, expected: SEEN_BY_STAFF },
    { who: 'agent outside the tier', as: () => agentOutside, share: false, expected: HIDDEN },
    {
      who: 'agent outside the tier, assigned to the ticket',
      as: () => agentAssigned,
      share: false,
      ticket: () => ({ assigneeId: agentAssigned.id }),
      expected: SEEN_BY_STAFF,
    },
    { who: 'admin (in no tier)', as: () => admin, share: false, expected: SEEN_BY_STAFF },
  ];

  it.each(rows.map((row) => [row.who, row] as const))('%s', async (_who, row) => {
    await sharing(row.share);
    const tk = await freshTicket(row.ticket?.());
    const outcomes: Record<string, Outcome> = {};
    for (const [name, probe] of Object.entries(probes)) outcomes[name] = await probe(row.as(), tk);
    expect(outcomes).toEqual(row.expected);
  });

  it('a hidden ticket is not changed by the refused writes', async () => {
    await sharing(false);
    const tk = await freshTicket();
    const before = (await request(t.url).get(`/v1/tickets/${tk.id}`).set('Authorization', admin.auth).expect(200)).body;
    for (const as of [customerB, customerC, agentOutside]) {
      for (const name of Object.keys(probes).filter((n) => /PATCH|POST|Mutation/.test(n)))
        expect(`${name}: ${await probes[name](as, tk)}`).toBe(`${name}: ${HIDDEN[name]}`);
    }
    const after = (await request(t.url).get(`/v1/tickets/${tk.id}`).set('Authorization', admin.auth).expect(200)).body;
    expect(after).toEqual(before);
    expect((await request(t.url).get(`/v1/tickets/${tk.id}/messages`).set('Authorization', admin.auth).expect(200)).body.data).toEqual([]);
    const events = (await request(t.url).get(`/v1/tickets/${tk.id}/events`).set('Authorization', admin.auth).expect(200)).body.data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['ticket.created']);
  });

  it('an unknown ticket id answers exactly like a hidden one (no existence oracle)', async () => {
    const unknown: TicketRef = { id: randomUUID(), createdAt: new Date().toISOString() };
    for (const as of [customerB, agentOutside]) {
      const outcomes: Record<string, Outcome> = {};
      for (const [name, probe] of Object.entries(probes)) outcomes[name] = await probe(as, unknown);
      expect(outcomes).toEqual(HIDDEN);
    }
  });

  it('sharing is live: C loses the ticket again when the organization stops sharing', async () => {
    await sharing(true);
    const tk = await freshTicket();
    await request(t.url).get(`/v1/tickets/${tk.id}`).set('Authorization', customerC.auth).expect(200);
    await sharing(false);
    expect(await probes['GET /v1/tickets/:id'](customerC, tk)).toBe('404 NOT_FOUND');
    expect(await restListed(customerC, tk)).toBe('absent');
    // A still sees their own ticket whatever the organization does.
    expect(await probes['GET /v1/tickets/:id'](customerA, tk)).toBe('200');
  });

  it('filters cannot widen the scope: an outside agent asking for the tier, requester or assignee still gets nothing', async () => {
    const tk = await freshTicket({ assigneeId: agentInside.id });
    for (const query of [{ tierId: inside.id }, { requesterId: customerA.id }, { assigneeId: agentInside.id }]) {
      const res = await request(t.url)
        .get('/v1/tickets')
        .query({ ...query, limit: 100 })
        .set('Authorization', agentOutside.auth)
        .expect(200);
      expect(res.body.data.map((x: { id: string }) => x.id)).not.toContain(tk.id);
      expect(res.body.data).toEqual([]);
    }
    const res = await request(t.url)
      .get('/v1/tickets')
      .query({ requesterId: customerA.id, limit: 100 })
      .set('Authorization', customerB.auth)
      .expect(200);
    expect(res.body.data).toEqual([]);
  });
});
