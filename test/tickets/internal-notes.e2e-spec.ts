import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

// Tiers here are not level 1: in a shared database the oldest level-1 tier is where every other test file's customer-created
// tickets land. Every ticket in this file is created by staff with an explicit tierId.
const TIER_LEVEL = 5;

// The marker test: internal notes carry a unique string; every output a customer can reach is collected and searched
// for it. Customers never see internal notes — not in REST, GraphQL, search results nor the event stream.

interface StreamedEvent {
  id: string;
  ticketId: string;
  sequence: number;
  cursor: string;
  type: string;
  actor: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const EVENT_FIELDS = 'id ticketId sequence cursor type actor before after at';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Internal notes never reach customers (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let colleague: Person;
  let tk: { id: string; createdAt: string };
  let marker: string;
  let noteWithMarker: string;
  let noteWithWords: string;
  /** Rare words that appear only in the second internal note: what a search by note text would use. */
  const noteWords = 'kumquat zeppelin';
  let firstCursor: string;
  let noteIds: string[] = [];
  /** Streams subscribed before the notes were written. */
  let live: { customer: ReturnType<typeof subscribe>; agent: ReturnType<typeof subscribe> };

  /** ticketEvents over graphql-ws: collects what the subscriber receives until disposed. */
  function subscribe(as: Person, variables: { ticketId?: string; after?: string }) {
    const client = createClient({
      url: `${t.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { Authorization: as.auth },
    });
    const events: StreamedEvent[] = [];
    const raw: string[] = [];
    const errors: unknown[] = [];
    client.subscribe<{ ticketEvents: StreamedEvent }>(
      {
        query: `subscription($ticketId: ID, $after: String) { ticketEvents(ticketId: $ticketId, after: $after) { ${EVENT_FIELDS} } }`,
        variables,
      },
      {
        next: (result) => {
          raw.push(JSON.stringify(result));
          if (result.errors) errors.push(...result.errors);
          if (result.data) events.push(result.data.ticketEvents);
        },
        error: (error) => errors.push(error),
        complete: () => undefined,
      },
    );
    return {
      events,
      raw,
      errors,
      /** Resolves once an event matching `predicate` arrived (or after `ms`). */
      async until(predicate: (e: StreamedEvent) => boolean, ms = 5000) {
        for (const started = Date.now(); !events.some(predicate) && errors.length === 0 && Date.now() - started < ms;) await sleep(25);
      },
      dispose: () => client.dispose(),
    };
  }

  async function collect(as: Person, variables: { ticketId?: string; after?: string }, ms = 1000) {
    const stream = subscribe(as, variables);
    await sleep(ms);
    await stream.dispose();
    return stream;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const org = `org-${randomUUID()}`;
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer', { org });
    colleague = await person(t, 'customer', { org });
    const support = await tier(t, admin, TIER_LEVEL, [agent]);
    const { organizationId } = (await request(t.url).get('/v1/me').set('Authorization', customer.auth).expect(200)).body;
    await request(t.url)
      .patch(`/v1/organizations/${organizationId}`)
      .set('Authorization', admin.auth)
      .send({ shareTickets: true })
      .expect(200);

    marker = `MARKER-${randomUUID()}`;
    noteWithMarker = `${marker} customer runs the legacy firmware; do not promise a fix`;
    noteWithWords = `Internal: the ${noteWords} workaround applies here`;
    tk = (await ticket(t, agent, {
      requesterId: customer.id,
      tierId: support.id,
      subject: 'Printer shows error 42',
      description: 'The office printer stopped',
    })) as unknown as typeof tk;

    // Subscribed before the notes are written: the live path, not only the replay, is checked below.
    const liveCustomer = subscribe(customer, { ticketId: tk.id, after: '0' });
    const liveAgent = subscribe(agent, { ticketId: tk.id, after: '0' });
    await liveCustomer.until((e) => e.type === 'ticket.created');
    await liveAgent.until((e) => e.type === 'ticket.created');
    live = { customer: liveCustomer, agent: liveAgent };

    await request(t.url)
      .post(`/v1/tickets/${tk.id}/messages`)
      .set('Authorization', customer.auth)
      .send({ body: 'It still prints nothing' })
      .expect(201);
    await request(t.url)
      .post(`/v1/tickets/${tk.id}/messages`)
      .set('Authorization', agent.auth)
      .send({ body: 'Could you restart it?' })
      .expect(201);
    const notes = [
      (
        await request(t.url)
          .post(`/v1/tickets/${tk.id}/messages`)
          .set('Authorization', agent.auth)
          .send({ body: noteWithMarker, visibility: 'internal' })
          .expect(201)
      ).body,
      (
        await gql(
          t,
          agent,
          'mutation($id: ID!, $body: String!) { addTicketMessage(ticketId: $id, input: { body: $body, visibility: internal }) { id visibility } }',
          {
            id: tk.id,
            body: noteWithWords,
          },
        )
      ).body.data.addTicketMessage,
    ];
    noteIds = notes.map((n: { id: string }) => n.id);
    expect(notes.map((n: { visibility: string }) => n.visibility)).toEqual(['internal', 'internal']);
    // One more public reply after the notes, so the streams have something to deliver past them.
    await request(t.url)
      .post(`/v1/tickets/${tk.id}/messages`)
      .set('Authorization', agent.auth)
      .send({ body: 'Thanks, we are on it' })
      .expect(201);

    await liveAgent.until((e) => e.type === 'ticket.message_added' && e.after?.body === 'Thanks, we are on it');
    await liveCustomer.until((e) => e.type === 'ticket.message_added' && e.after?.body === 'Thanks, we are on it');
    await sleep(300);
    await liveCustomer.dispose();
    await liveAgent.dispose();

    const trail = (await request(t.url).get(`/v1/tickets/${tk.id}/events`).set('Authorization', agent.auth).expect(200)).body.data;
    firstCursor = trail[0].cursor;
  });
  afterAll(() => t.close());

  const restText = async (as: Person, path: string, query: Record<string, unknown> = {}) => {
    const res = await request(t.url).get(path).query(query).set('Authorization', as.auth);
    return { status: res.status, text: res.text, body: res.body };
  };
  const gqlText = async (as: Person, query: string, variables: Record<string, unknown> = {}) => {
    const res = await gql(t, as, query, variables);
    return { status: res.status, text: res.text, body: res.body };
  };
  // Within the GraphQL cost limit (GRAPHQL_MAX_COST) for the single ticket; lists ask for fewer fields.
  const TICKET_FIELDS = 'id number subject description status tierId requesterId organizationId tags customFields version updatedAt';

  /** Every output a customer can reach about the ticket, by name. */
  async function customerOutputs(as: Person): Promise<Record<string, { status: number; text: string; body: unknown }>> {
    const byQ = (q: string) =>
      gqlText(
        as,
        `query($q: String) { tickets(first: 100, filter: { q: $q }) { edges { node { id subject description messages { edges { node { id body visibility } } } } } } }`,
        { q },
      );
    return {
      'GET /v1/tickets/:id': await restText(as, `/v1/tickets/${tk.id}`),
      'GET /v1/tickets': await restText(as, '/v1/tickets', { limit: 100 }),
      'GET /v1/tickets?q=<marker>': await restText(as, '/v1/tickets', { q: marker, limit: 100 }),
      'GET /v1/tickets?q=<note words>': await restText(as, '/v1/tickets', { q: noteWords, limit: 100 }),
      'GET /v1/tickets/:id/messages': await restText(as, `/v1/tickets/${tk.id}/messages`, { limit: 100 }),
      'GET /v1/tickets/:id/events': await restText(as, `/v1/tickets/${tk.id}/events`),
      'Query.ticket': await gqlText(
        as,
        `query($id: ID!) { ticket(id: $id) { ${TICKET_FIELDS} requester { id name } organization { id } messages(first: 100) { edges { node { id body visibility authorId } } } } }`,
        { id: tk.id },
      ),
      'Query.ticket { events }': await gqlText(
        as,
        `query($id: ID!) { ticket(id: $id) { id events(first: 100) { edges { node { type after } } } } }`,
        { id: tk.id },
      ),
      'Query.tickets': await byQ(null as unknown as string),
      'Query.tickets(q: <marker>)': await byQ(marker),
      'Query.tickets(q: <note words>)': await byQ(noteWords),
    };
  }

  const ids = (body: unknown): string[] => {
    const b = body as { data?: { id: string }[] | { tickets?: { edges: { node: { id: string } }[] } } };
    if (Array.isArray(b.data)) return b.data.map((x) => x.id);
    return b.data?.tickets?.edges.map((e) => e.node.id) ?? [];
  };

  it.each([
    ['the requester', () => customer],
    ['a colleague in the sharing organization', () => colleague],
  ])('%s: the marker and the note text appear in no REST or GraphQL output', async (_who, as) => {
    const outputs = await customerOutputs(as());
    const leaking = Object.entries(outputs)
      .filter(([, o]) => o.text.includes(marker) || o.text.includes(noteWords) || noteIds.some((id) => o.text.includes(id)))
      .map(([name]) => name);
    expect(leaking).toEqual([]);

    // The outputs are real answers, not errors that trivially contain nothing.
    expect(outputs['GET /v1/tickets/:id'].status).toBe(200);
    expect(ids(outputs['GET /v1/tickets'].body)).toContain(tk.id);
    expect(outputs['GET /v1/tickets/:id/events'].status).toBe(403);
    expect((outputs['Query.ticket { events }'].body as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
      'FORBIDDEN',
    );
    expect(ids(outputs['Query.tickets'].body)).toContain(tk.id);

    // Search does not find the ticket by internal-note text, for REST and GraphQL alike.
    expect(ids(outputs['GET /v1/tickets?q=<marker>'].body)).not.toContain(tk.id);
    expect(ids(outputs['GET /v1/tickets?q=<note words>'].body)).not.toContain(tk.id);
    expect(ids(outputs['Query.tickets(q: <marker>)'].body)).not.toContain(tk.id);
    expect(ids(outputs['Query.tickets(q: <note words>)'].body)).not.toContain(tk.id);
    // …while it does by its public text (the search works for customers).
    expect(ids((await restText(as(), '/v1/tickets', { q: 'printer error', limit: 100 })).body)).toContain(tk.id);

    // Only the three public messages, in REST and GraphQL.
    const messages = (outputs['GET /v1/tickets/:id/messages'].body as { data: { visibility: string }[] }).data;
    expect(messages).toHaveLength(3);
    expect(messages.every((m) => m.visibility === 'public')).toBe(true);
    const graphMessages = (
      outputs['Query.ticket'].body as { data: { ticket: { messages: { edges: { node: { visibility: string } }[] } } } }
    ).data.ticket.messages.edges.map((e) => e.node);
    expect(graphMessages).toHaveLength(3);
    expect(graphMessages.every((m) => m.visibility === 'public')).toBe(true);
  });

  it('an agent in the tier sees the notes and finds the ticket by their text', async () => {
    const messages = (await request(t.url).get(`/v1/tickets/${tk.id}/messages`).set('Authorization', agent.auth).expect(200)).body.data;
    expect(messages).toHaveLength(5);
    expect(messages.filter((m: { visibility: string }) => m.visibility === 'internal').map((m: { body: string }) => m.body)).toEqual([
      noteWithMarker,
      noteWithWords,
    ]);
    for (const q of [marker, noteWords]) {
      const rest = (await request(t.url).get('/v1/tickets').query({ q, limit: 100 }).set('Authorization', agent.auth).expect(200)).body
        .data;
      expect({ q, found: rest.map((x: { id: string }) => x.id).includes(tk.id) }).toEqual({ q, found: true });
      const graph = (await gql(t, agent, 'query($q: String) { tickets(first: 100, filter: { q: $q }) { edges { node { id } } } }', { q }))
        .body.data.tickets.edges;
      expect({ q, found: graph.some((e: { node: { id: string } }) => e.node.id === tk.id) }).toEqual({ q, found: true });
    }
    const graph = (
      await gql(t, agent, 'query($id: ID!) { ticket(id: $id) { messages(first: 100) { edges { node { body } } } } }', { id: tk.id })
    ).body.data.ticket.messages.edges;
    expect(graph.map((e: { node: { body: string } }) => e.node.body)).toEqual(expect.arrayContaining([noteWithMarker, noteWithWords]));
  });

  describe('ticketEvents over graphql-ws', () => {
    const isNote = (e: StreamedEvent) => e.type === 'ticket.message_added' && noteIds.includes(e.after?.messageId as string);

    it('live: the customer stream skipped the notes that the agent stream delivered', () => {
      expect(live.customer.errors).toEqual([]);
      expect(live.agent.errors).toEqual([]);
      expect(live.agent.events.filter(isNote)).toHaveLength(2);
      expect(live.agent.raw.join('\n')).toContain(marker);
      expect(live.customer.events.filter(isNote)).toEqual([]);
      expect(live.customer.raw.join('\n')).not.toContain(marker);
      expect(live.customer.raw.join('\n')).not.toContain(noteWords);
      // It did deliver the public conversation around them.
      expect(live.customer.events.filter((e) => e.type === 'ticket.message_added').map((e) => e.after?.body)).toEqual([
        'It still prints nothing',
        'Could you restart it?',
        'Thanks, we are on it',
      ]);
    });

    it('replay (after: "0", this ticket): the customer gets the public history without the notes; the agent gets the notes', async () => {
      const [asCustomer, asAgent] = await Promise.all([
        collect(customer, { ticketId: tk.id, after: '0' }),
        collect(agent, { ticketId: tk.id, after: '0' }),
      ]);
      expect(asCustomer.errors).toEqual([]);
      expect(asAgent.errors).toEqual([]);
      expect(asAgent.events.filter(isNote)).toHaveLength(2);
      expect(asAgent.raw.join('\n')).toContain(marker);

      expect(asCustomer.events.length).toBeGreaterThan(0);
      expect(asCustomer.events.every((e) => e.ticketId === tk.id)).toBe(true);
      expect(asCustomer.events.filter(isNote)).toEqual([]);
      expect(asCustomer.raw.join('\n')).not.toContain(marker);
      expect(asCustomer.raw.join('\n')).not.toContain(noteWords);
      expect(asCustomer.events.filter((e) => e.type === 'ticket.message_added')).toHaveLength(3);
      // The customer's stream is the agent's minus exactly the two note events.
      expect(asCustomer.events.map((e) => e.id)).toEqual(asAgent.events.filter((e) => !isNote(e)).map((e) => e.id));
    });

    it('replay over all tickets (no ticketId, from just before this ticket): no note for the customer or the colleague', async () => {
      const after = String(BigInt(firstCursor) - 1n);
      const [asCustomer, asColleague, asAgent] = await Promise.all([
        collect(customer, { after }),
        collect(colleague, { after }),
        collect(agent, { after }),
      ]);
      for (const stream of [asCustomer, asColleague]) {
        expect(stream.errors).toEqual([]);
        expect(stream.events.some((e) => e.ticketId === tk.id)).toBe(true);
        expect(stream.events.filter(isNote)).toEqual([]);
        expect(stream.raw.join('\n')).not.toContain(marker);
        expect(stream.raw.join('\n')).not.toContain(noteWords);
      }
      expect(asAgent.events.filter(isNote)).toHaveLength(2);
    });
  });
});
