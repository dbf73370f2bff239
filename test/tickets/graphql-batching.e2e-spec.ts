import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { QueryRunner } from 'typeorm';
import { OutboxDispatcher } from '../../src/events/outbox.dispatcher';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

// Tiers here are not level 1: in a shared database the oldest level-1 tier is where every other test file's customer-created
// tickets land. Every ticket in this file is created by staff with an explicit tierId.
const TIER_LEVEL = 5;

// A GraphQL page of tickets with their related objects costs a fixed number of SQL statements, whatever the page size:
// every relation goes through a per-operation DataLoader (one query per relation per page), never one query per ticket;
// the messages and events connections read a bounded page of every ticket in one statement.

const PAGE = `query($tierId: ID!, $first: Int!) {
  tickets(first: $first, filter: { tierId: $tierId, sort: "createdAt" }) {
    edges { node {
      id requester { id name } assignee { id } tier { id name } organization { id }
      messages(first: 5) { edges { cursor node { id body } } pageInfo { hasNextPage endCursor } }
      events(first: 2) { edges { node { sequence } } pageInfo { hasNextPage } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Statement {
  sql: string;
  runner: QueryRunner | undefined;
}

describe('GraphQL tickets page: SQL statements do not grow with the page (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agents: Person[];
  let customers: Person[];
  let support: { id: string; name: string };
  const created: { id: string; index: number; requesterId: string; assigneeId: string | null; organizationId: string | null }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agents = [await person(t, 'agent'), await person(t, 'agent')];
    const orgs = [`org-${randomUUID()}`, `org-${randomUUID()}`];
    customers = [];
    for (let i = 0; i < 6; i++)
      customers.push(await person(t, 'customer', i < 4 ? { org: orgs[i % 2], name: `Customer ${i}` } : { name: `Customer ${i}` }));
    support = await tier(t, admin, TIER_LEVEL, agents);
    // 55 tickets in a fresh tier: several requesters (with and without an organization), some unassigned, each with
    // a public reply and an internal note.
    for (let i = 0; i < 55; i++) {
      const requester = customers[i % customers.length];
      const assignee = i % 3 === 0 ? null : agents[i % 2];
      const tk = (await ticket(t, admin, {
        requesterId: requester.id,
        tierId: support.id,
        subject: `Batch ${i}`,
        ...(assignee ? { assigneeId: assignee.id } : {}),
      })) as unknown as (typeof created)[number];
      created.push({ ...tk, index: i });
      await request(t.url)
        .post(`/v1/tickets/${tk.id}/messages`)
        .set('Authorization', admin.auth)
        .send({ body: `Reply ${i}` })
        .expect(201);
      await request(t.url)
        .post(`/v1/tickets/${tk.id}/messages`)
        .set('Authorization', admin.auth)
        .send({ body: `Note ${i}`, visibility: 'internal' })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  /**
   * Runs the page as `as`, recording every statement the app's DataSource sends (TypeORM calls `logger.logQuery` for
   * each, whatever the logging option). Statements of the background outbox dispatcher and event-bus delivery (which
   * may run meanwhile, also for other test processes sharing the database) are left out by what they touch.
   */
  async function measure(as: Person, first: number) {
    await t.app.get(OutboxDispatcher).idle();
    const statements: Statement[] = [];
    const spy = jest
      .spyOn(t.dataSource.logger, 'logQuery')
      .mockImplementation((sql: string, _parameters?: unknown, runner?: QueryRunner) => {
        statements.push({ sql, runner });
      });
    let res: request.Response;
    try {
      res = await gql(t, as, PAGE, { tierId: support.id, first });
    } finally {
      spy.mockRestore();
    }
    // A dispatcher round is a transaction over the outbox (its BEGIN may fall inside the window and the rest after it).
    const control = (sql: string) => /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)\b/i.test(sql);
    const runners = new Set(statements.map((s) => s.runner));
    const background = new Set(
      [...runners].filter(
        (r) =>
          statements.some((s) => s.runner === r && /\boutbox\b|pg_notify|pg_advisory_xact_lock|lock_timeout/.test(s.sql)) ||
          statements.filter((s) => s.runner === r).every((s) => control(s.sql)),
      ),
    );
    // The event bus reads ticket_event too: of those, only the page of the `events` field (a LATERAL join) is ours.
    const ours = statements
      .filter((s) => !background.has(s.runner) && (!/\bticket_event\b/.test(s.sql) || /LATERAL/.test(s.sql)))
      .map((s) => s.sql.replace(/\s+/g, ' '));
    return { res, statements: ours };
  }

  it('the spy sees statements at all (guards the measurement itself)', async () => {
    const { res, statements } = await measure(admin, 1);
    expect(res.body.errors).toBeUndefined();
    expect(statements.some((s) => /FROM "ticket" "t"/.test(s))).toBe(true);
  });

  it('a page of 50 costs as many statements as a page of 10, and fewer than 10 (no per-ticket query)', async () => {
    await measure(admin, 10); // warm-up: first-use work (metadata, prepared plans) is not what is measured
    const ten = await measure(admin, 10);
    const fifty = await measure(admin, 50);
    for (const [first, m] of [
      [10, ten],
      [50, fifty],
    ] as const) {
      expect(m.res.body.errors).toBeUndefined();
      const edges = m.res.body.data.tickets.edges;
      expect(edges).toHaveLength(first);
      // The answers are complete and right, not just cheap.
      for (const { node } of edges) {
        const source = created.find((c) => c.id === node.id)!;
        expect(node.requester.id).toBe(source.requesterId);
        expect(node.assignee?.id ?? null).toBe(source.assigneeId);
        expect(node.organization?.id ?? null).toBe(source.organizationId);
        expect(node.tier).toEqual({ id: support.id, name: support.name });
        expect(node.messages.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual([
          `Reply ${source.index}`,
          `Note ${source.index}`,
        ]);
        expect(node.messages.pageInfo).toEqual({ hasNextPage: false, endCursor: node.messages.edges[1].cursor });
        // Created, two messages, and the status change of the first public reply: more than the two asked for.
        expect(node.events.edges.map((e: { node: { sequence: number } }) => e.node.sequence)).toEqual([1, 2]);
        expect(node.events.pageInfo.hasNextPage).toBe(true);
      }
      // One statement reads the messages of the whole page, and one its events.
      expect(m.statements.filter((sql) => /\bticket_message\b/.test(sql))).toHaveLength(1);
      expect(m.statements.filter((sql) => /\bticket_event\b/.test(sql))).toHaveLength(1);
    }
    console.log(
      `SQL statements for a GraphQL page of tickets with requester, assignee, tier, organization, messages, events: ${ten.statements.length} (10 tickets), ${fifty.statements.length} (50 tickets)\n${fifty.statements.map((s, i) => `${i + 1}. ${s.slice(0, 140)}`).join('\n')}`,
    );
    expect(fifty.statements.length).toBe(ten.statements.length);
    expect(ten.statements.length).toBeLessThan(10);
  });

  it('the same holds for an agent of the tier (scope resolved once, not per ticket)', async () => {
    await measure(agents[0], 10);
    const ten = await measure(agents[0], 10);
    const fifty = await measure(agents[0], 50);
    expect(fifty.res.body.errors).toBeUndefined();
    expect(fifty.res.body.data.tickets.edges).toHaveLength(50);
    console.log(
      `SQL statements as an agent of the tier: ${ten.statements.length} (10 tickets), ${fifty.statements.length} (50 tickets)\n${fifty.statements.map((s, i) => `${i + 1}. ${s.slice(0, 200)}`).join('\n')}`,
    );
    expect({ ten: ten.statements.length, fifty: fifty.statements.length }).toEqual({
      ten: ten.statements.length,
      fifty: ten.statements.length,
    });
    expect(ten.statements.length).toBeLessThan(10);
  });
});
