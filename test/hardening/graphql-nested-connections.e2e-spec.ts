import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

// `Ticket.messages` and `Ticket.events` were unbounded lists: a page of tickets could pull every message of each.
// They are Relay connections now, bounded by `first` (1–100) and resumable with `after`, on the keysets of REST.
const MESSAGES = `query($id: ID!, $first: Int, $after: String) { ticket(id: $id) {
  messages(first: $first, after: $after) { edges { cursor node { id body visibility } } pageInfo { hasNextPage endCursor } }
} }`;
const EVENTS = `query($id: ID!, $first: Int, $after: String) { ticket(id: $id) {
  events(first: $first, after: $after) { edges { cursor node { sequence type } } pageInfo { hasNextPage endCursor } }
} }`;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

interface Edge<T> {
  cursor: string;
  node: T;
}
interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe('Ticket.messages and Ticket.events are bounded connections (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let tk: { id: string };
  const bodies = ['Reply 1', 'Note 1', 'Reply 2', 'Note 2', 'Reply 3'];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    const support = await tier(t, admin, 6, [agent]);
    tk = await ticket(t, admin, { requesterId: customer.id, tierId: support.id });
    for (const body of bodies) {
      await request(t.url)
        .post(`/v1/tickets/${tk.id}/messages`)
        .set('Authorization', agent.auth)
        .send({ body, visibility: body.startsWith('Note') ? 'internal' : 'public' })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  /** Every page of a connection field, following endCursor. */
  async function pages<T>(as: Person, query: string, field: 'messages' | 'events', first: number): Promise<Connection<T>[]> {
    const all: Connection<T>[] = [];
    let after: string | null = null;
    do {
      const res = await gql(t, as, query, { id: tk.id, first, after });
      expect(res.body.errors).toBeUndefined();
      const page: Connection<T> = res.body.data.ticket[field];
      all.push(page);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after && all.length < 20);
    return all;
  }

  it('messages(first: 2) pages an agent through every message, oldest first, like REST', async () => {
    const all = await pages<{ body: string }>(agent, MESSAGES, 'messages', 2);
    expect(all.map((p) => p.edges.map((e) => e.node.body))).toEqual([['Reply 1', 'Note 1'], ['Reply 2', 'Note 2'], ['Reply 3']]);
    expect(all.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    for (const page of all) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
    // Same keyset as REST: a GraphQL cursor resumes the REST list at the same place.
    const rest = await request(t.url)
      .get(`/v1/tickets/${tk.id}/messages`)
      .query({ limit: 2, cursor: all[0].pageInfo.endCursor })
      .set('Authorization', agent.auth)
      .expect(200);
    expect(rest.body.data.map((m: { body: string }) => m.body)).toEqual(['Reply 2', 'Note 2']);
  });

  it('messages as the customer: public replies only, on every page, and hasNextPage counts only those', async () => {
    const all = await pages<{ body: string; visibility: string }>(customer, MESSAGES, 'messages', 2);
    expect(all.map((p) => p.edges.map((e) => e.node.body))).toEqual([['Reply 1', 'Reply 2'], ['Reply 3']]);
    expect(all.flatMap((p) => p.edges).every((e) => e.node.visibility === 'public')).toBe(true);
    expect(all.map((p) => p.pageInfo.hasNextPage)).toEqual([true, false]);
  });

  it('messages without arguments: the first 25', async () => {
    const res = await gql(t, agent, MESSAGES, { id: tk.id });
    expect(res.body.data.ticket.messages.edges).toHaveLength(bodies.length);
    expect(res.body.data.ticket.messages.pageInfo.hasNextPage).toBe(false);
  });

  it('events(first: 2) pages an agent through the audit trail in sequence', async () => {
    const all = await pages<{ sequence: number }>(agent, EVENTS, 'events', 2);
    const sequences = all.flatMap((p) => p.edges.map((e) => e.node.sequence));
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(sequences.length).toBeGreaterThan(bodies.length);
    expect(all.at(-1)!.pageInfo.hasNextPage).toBe(false);
    expect(all.slice(0, -1).every((p) => p.edges.length === 2 && p.pageInfo.hasNextPage)).toBe(true);
  });

  it('events as the customer → FORBIDDEN, as in REST', async () => {
    const res = await gql(t, customer, EVENTS, { id: tk.id, first: 2 });
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });

  it.each([0, 101, -1])('first: %p → VALIDATION_FAILED naming first', async (first) => {
    for (const query of [MESSAGES, EVENTS]) {
      const res = await gql(t, agent, query, { id: tk.id, first });
      expect(
        res.body.errors.map((e: { extensions: { code: string; errors?: { field: string }[] } }) => [
          e.extensions.code,
          e.extensions.errors?.[0]?.field,
        ]),
      ).toEqual([['VALIDATION_FAILED', 'first']]);
    }
  });

  it.each([
    ['not base64 JSON', '!!!not-a-cursor!!!'],
    ['JSON of the wrong shape', b64({ at: 1 })],
    ['a messages cursor whose time overflows timestamptz', b64(['294277-01-01T00:00:00.000Z', '0192f6a0-0000-7000-8000-000000000000'])],
    ['a messages cursor whose id is not a UUID', b64(['2026-01-01T00:00:00.000Z', 'x'])],
    ['an events cursor whose sequence overflows int', b64([1e12])],
  ])('after: %s → VALIDATION_FAILED naming after, for both fields', async (_what, after) => {
    for (const query of [MESSAGES, EVENTS]) {
      const res = await gql(t, agent, query, { id: tk.id, first: 2, after });
      expect(
        res.body.errors.map((e: { extensions: { code: string; errors?: { field: string }[] } }) => [
          e.extensions.code,
          e.extensions.errors?.[0]?.field,
        ]),
      ).toEqual([['VALIDATION_FAILED', 'after']]);
    }
  });
});
