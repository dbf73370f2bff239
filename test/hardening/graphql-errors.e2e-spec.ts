import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { TicketQueriesService } from '../../src/tickets/ticket-queries.service';
import { TiersService } from '../../src/tiers/tiers.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

// Caller errors once came back as INTERNAL (a persisted-query hash that does not match its query, an unsupported APQ
// version) or with HTTP 500 (a document over the token limit), APQ's own "send the query" signal was folded into
// VALIDATION_FAILED, a refused GraphQL cursor was named `cursor` (REST's parameter) instead of `after`, and an
// unexpected error in a field resolver was never logged.

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
const UUID = '0192f6a0-0000-7000-8000-000000000000';
const CURSORS: [string, string][] = [
  ['not base64 JSON', '!!!not-a-cursor!!!'],
  ['base64 of something not JSON', Buffer.from('hello').toString('base64url')],
  ['a time that overflows timestamptz', b64(['294277-01-01T00:00:00.000Z', UUID])],
  ['an id that is not a UUID', b64(['2026-01-01T00:00:00.000Z', 'x'])],
];

type Errors = { errors?: { message: string; extensions: { code: string; status?: number; errors?: { field: string }[] } }[] };
const codesAndFields = (body: Errors) => body.errors?.map((e) => [e.extensions.code, e.extensions.errors?.map((f) => f.field)]);

describe('GraphQL caller errors and INTERNAL (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let tk: { id: string };
  let logged: jest.SpyInstance;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await person(t, 'admin');
    const support = await tier(t, admin, 7);
    tk = await ticket(t, admin, { tierId: support.id });
    await ticket(t, admin, { tierId: support.id });
  });
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t.close());

  const unexpectedLogs = () => logged.mock.calls.filter(([, message]) => message === 'unexpected error');

  describe('after', () => {
    const connections: Record<string, string> = {
      tickets: 'tickets(first: 2, after: $after)',
      'tickets (sort: priority)': 'tickets(first: 2, after: $after, filter: { sort: "priority" })',
      users: 'users(first: 2, after: $after)',
      organizations: 'organizations(first: 2, after: $after)',
      routingRules: 'routingRules(first: 2, after: $after)',
      apiKeys: 'apiKeys(first: 2, after: $after)',
      slaPolicies: 'slaPolicies(first: 2, after: $after)',
      ticketAttachments: 'ticketAttachments(ticketId: $ticketId, first: 2, after: $after)',
      ticketEscalations: 'ticketEscalations(ticketId: $ticketId, first: 2, after: $after)',
      ticketInfoRequests: 'ticketInfoRequests(ticketId: $ticketId, first: 2, after: $after)',
    };

    it.each(CURSORS)('%s → VALIDATION_FAILED naming after, in every connection, and nothing logged as unexpected', async (_what, after) => {
      const answers: Record<string, unknown> = {};
      for (const [name, selection] of Object.entries(connections)) {
        const ticketArg = selection.includes('$ticketId') ? ', $ticketId: ID!' : '';
        const res = await gql(t, admin, `query($after: String${ticketArg}) { x: ${selection} { pageInfo { hasNextPage } } }`, {
          after,
          ...(ticketArg ? { ticketId: tk.id } : {}),
        });
        answers[name] = [res.status, codesAndFields(res.body)];
      }
      expect(answers).toEqual(
        Object.fromEntries(Object.keys(connections).map((name) => [name, [200, [['VALIDATION_FAILED', ['after']]]]])),
      );
      expect(unexpectedLogs()).toEqual([]);
    });

    it('a routing-rule cursor whose position overflows int → VALIDATION_FAILED naming after', async () => {
      const res = await gql(t, admin, 'query($after: String) { routingRules(first: 2, after: $after) { pageInfo { hasNextPage } } }', {
        after: b64([1e12, '2026-01-01T00:00:00.000Z', UUID]),
      });
      expect(codesAndFields(res.body)).toEqual([['VALIDATION_FAILED', ['after']]]);
    });

    it('REST keeps naming its own parameter: GET /v1/tickets?cursor=<garbage> → 400 naming cursor', async () => {
      const res = await request(t.url)
        .get('/v1/tickets')
        .query({ cursor: '!!!not-a-cursor!!!' })
        .set('Authorization', admin.auth)
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['cursor']);
    });
  });

  describe('persisted queries (APQ)', () => {
    const QUERY = '{ health { status } }';
    const sha = (query: string) => createHash('sha256').update(query).digest('hex');
    const apq = (hash: string, extra: Record<string, unknown> = {}, version = 1) =>
      request(t.url)
        .post('/graphql')
        .set('Authorization', admin.auth)
        .send({ extensions: { persistedQuery: { version, sha256Hash: hash } }, ...extra });

    it('an unknown hash → PERSISTED_QUERY_NOT_FOUND with Apollo’s HTTP 200, so the client resends the query; then the hash alone runs', async () => {
      const unknown = await apq(sha(`${QUERY} # ${Date.now()}`));
      expect(unknown.status).toBe(200);
      expect(unknown.body.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }]);
      // The client's next step: the query with its hash registers it, after which the hash alone is enough.
      const registered = await apq(sha(QUERY), { query: QUERY });
      expect(registered.body).toEqual({ data: { health: { status: 'ok' } } });
      const byHash = await apq(sha(QUERY));
      expect(byHash.body).toEqual({ data: { health: { status: 'ok' } } });
      expect(unexpectedLogs()).toEqual([]);
    });

    it.each([
      ['a hash that does not match the query', () => apq('0'.repeat(64), { query: QUERY })],
      ['an unsupported persisted-query version', () => apq(sha(QUERY), {}, 2)],
    ])('%s → 400 VALIDATION_FAILED, not INTERNAL', async (_what, send) => {
      const res = await send();
      expect(res.status).toBe(400);
      expect(codesAndFields(res.body)).toEqual([['VALIDATION_FAILED', undefined]]);
      expect(unexpectedLogs()).toEqual([]);
    });
  });

  it('a document over the token limit → 400 VALIDATION_FAILED, not HTTP 500', async () => {
    const fields = Array.from({ length: 3000 }, (_, i) => `k${i}: ${i}`).join(', ');
    const res = await request(t.url)
      .post('/graphql')
      .set('Authorization', admin.auth)
      .send({ query: `mutation { createTicket(input: { subject: "s", description: "d", customFields: { ${fields} } }) { id } }` });
    expect(res.status).toBe(400);
    expect(codesAndFields(res.body)).toEqual([['VALIDATION_FAILED', undefined]]);
    expect(unexpectedLogs()).toEqual([]);
  });

  it('more variable errors than graphql-js reports (its "too many errors" notice) → all VALIDATION_FAILED, nothing INTERNAL', async () => {
    const input = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]));
    const res = await gql(
      t,
      admin,
      'mutation($input: EscalateInput!) { deEscalateTicket(id: "0192f6a0-0000-7000-8000-000000000000", input: $input) { id } }',
      { input },
    );
    expect(res.status).toBe(400);
    expect(new Set(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code))).toEqual(
      new Set(['VALIDATION_FAILED']),
    );
    expect(unexpectedLogs()).toEqual([]);
  });

  describe('INTERNAL', () => {
    const PAGE = '{ tickets(first: 5, filter: { sort: "createdAt" }) { edges { node { id tier { id } } } } }';

    it('a failure in a field resolver’s loader → INTERNAL without details, logged once with the request id', async () => {
      jest.spyOn(t.app.get(TiersService), 'findManyByIds').mockRejectedValue(new Error('connection reset while reading tiers'));
      const res = await gql(t, admin, PAGE);
      const requestId = res.headers['x-request-id'];
      expect(res.body.errors.length).toBeGreaterThan(1); // one per ticket of the page: the same failed batch
      for (const error of res.body.errors)
        expect(error).toEqual(
          expect.objectContaining({ message: 'An unexpected error occurred', extensions: { code: 'INTERNAL', status: 500 } }),
        );
      expect(res.text).not.toMatch(/connection reset|\bat .*\.(js|ts):\d+/);
      const logs = unexpectedLogs();
      expect(logs).toHaveLength(1);
      expect(logs[0][0]).toEqual(
        expect.objectContaining({ reqId: requestId, err: expect.objectContaining({ message: 'connection reset while reading tiers' }) }),
      );
    });

    it('a failure in a query handler → INTERNAL, logged once (by the exception filter, not again by GraphQL)', async () => {
      jest.spyOn(t.app.get(TicketQueriesService), 'list').mockRejectedValue(new Error('the list broke'));
      const res = await gql(t, admin, PAGE);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ message: 'An unexpected error occurred', extensions: { code: 'INTERNAL', status: 500 } }),
      ]);
      expect(res.text).not.toMatch(/the list broke|\bat .*\.(js|ts):\d+/);
      const logs = unexpectedLogs();
      expect(logs).toHaveLength(1);
      expect(logs[0][0]).toEqual(expect.objectContaining({ reqId: res.headers['x-request-id'] }));
    });
  });
});
