import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

interface EscalationRow {
  fromTierId: string;
  toTierId: string;
  direction: string;
  reason: string;
  handoff: unknown;
  actorId: string | null;
  trigger: string;
}

// All test files share one database on PostgreSQL and routing rules apply to every new ticket: each rule here matches
// only a tag or an organization unique to this file, and all are deleted in afterAll. Tickets that match none of them
// land in the shared database's oldest level-1 tier, which may be another file's: only "not routed here" is asserted.
describe('Escalations: routing rules send new tickets to their tier (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  let firstLine: { id: string; level: number };
  let secondLine: { id: string; level: number; name: string };
  let thirdLine: { id: string; level: number };
  let otherFirstLine: { id: string; level: number };
  let rrAgents: Person[];
  let l3Agent: Person;
  const rules: string[] = [];
  const uniqueTag = () => `route-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    l3Agent = await person(t, 'agent');
    rrAgents = [await person(t, 'agent'), await person(t, 'agent')].sort((a, b) => a.id.localeCompare(b.id));
    // Guarantees a level-1 tier exists, so the entry tier (whichever it is) is level 1.
    firstLine = await tier(t, admin, 1);
    otherFirstLine = await tier(t, admin, 1, rrAgents, { assignment: 'round_robin' });
    secondLine = await tier(t, admin, 2, [], { assignment: 'manual', requiredHandoff: ['summary', 'environment'] });
    thirdLine = await tier(t, admin, 3, [l3Agent], { assignment: 'least_loaded' });
  });
  afterAll(async () => {
    for (const id of rules) await request(t.url).delete(`/v1/routing-rules/${id}`).set('Authorization', admin.auth);
    await t.close();
  });

  async function rule(body: Record<string, unknown>) {
    const res = await request(t.url)
      .post('/v1/routing-rules')
      .set('Authorization', admin.auth)
      .send({ name: `Rule ${randomUUID().slice(0, 8)}`, ...body });
    expect(res.status).toBe(201);
    rules.push(res.body.id);
    return res.body as { id: string; name: string; position: number; version: number };
  }
  const forCustomer = (body: Record<string, unknown> = {}) =>
    ticket(t, admin, { requesterId: customer.id, ...body }) as Promise<Record<string, unknown> & { id: string; tierId: string }>;
  const escalations = async (id: string): Promise<EscalationRow[]> =>
    (await request(t.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', admin.auth).expect(200)).body.data;
  const events = async (id: string): Promise<{ type: string; actor: string | null; after: Record<string, unknown> | null }[]> =>
    (await request(t.url).get(`/v1/tickets/${id}/events`).query({ limit: 100 }).set('Authorization', admin.auth).expect(200)).body.data;

  /** A ticket routed above the first line: its level, and one automatic escalation by the rule, without a hand-off. */
  async function expectRoutedUp(created: { id: string } & Record<string, unknown>, to: { id: string; level: number }, ruleName: string) {
    expect(created).toMatchObject({ tierId: to.id, escalationLevel: to.level });
    const rows = await escalations(created.id);
    expect(rows).toEqual([
      expect.objectContaining({
        toTierId: to.id,
        direction: 'up',
        trigger: 'rule',
        actorId: null,
        handoff: null,
        reason: `Routing rule "${ruleName}"`,
        fromTierId: expect.any(String),
      }),
    ]);
    expect(rows[0].fromTierId).not.toBe(to.id);
    const escalated = (await events(created.id)).filter((e) => e.type === 'ticket.escalated');
    expect(escalated).toEqual([
      expect.objectContaining({
        actor: null,
        after: expect.objectContaining({ tierId: to.id, escalationLevel: to.level, trigger: 'rule', handoff: null }),
      }),
    ]);
  }

  it("by tag: a matching ticket enters the rule's level-2 tier (no hand-off asked), recorded as an escalation with trigger rule", async () => {
    const tag = uniqueTag();
    const r = await rule({ tierId: secondLine.id, conditions: { tags: [tag] } });
    // The rule's tier requires a hand-off; an automatic move cannot give one and is not refused for it.
    const routed = await forCustomer({ tags: [tag, 'x-other'] });
    await expectRoutedUp(routed, secondLine, r.name);
    expect(routed.assigneeId).toBeNull(); // manual tier

    const other = await forCustomer({ tags: [uniqueTag(), 'x-other'] });
    expect(other.tierId).not.toBe(secondLine.id);
    expect(other.escalationLevel).toBe(1);
    expect(await escalations(other.id)).toEqual([]);
  });

  it('by priority and tag: every condition must hold', async () => {
    const tag = uniqueTag();
    const r = await rule({ tierId: thirdLine.id, conditions: { priorities: ['urgent', 'high'], tags: [tag] } });
    const urgent = await forCustomer({ priority: 'urgent', tags: [tag] });
    await expectRoutedUp(urgent, thirdLine, r.name);
    expect(urgent.assigneeId).toBe(l3Agent.id); // assigned by the routed tier's strategy
    const high = await forCustomer({ priority: 'high', tags: [tag] });
    expect(high).toMatchObject({ tierId: thirdLine.id, escalationLevel: 3 });
    for (const body of [{ priority: 'normal', tags: [tag] }, { priority: 'urgent', tags: [uniqueTag()] }, { priority: 'urgent' }]) {
      const missed = await forCustomer(body);
      expect({ body, tierId: missed.tierId }).not.toEqual({ body, tierId: thirdLine.id });
    }
  });

  it('by type and channel with a tag', async () => {
    const tag = uniqueTag();
    await rule({ tierId: secondLine.id, conditions: { types: ['incident'], channels: ['email', 'phone'], tags: [tag] } });
    expect(await forCustomer({ type: 'incident', channel: 'phone', tags: [tag] })).toMatchObject({ tierId: secondLine.id });
    expect((await forCustomer({ type: 'question', channel: 'phone', tags: [tag] })).tierId).not.toBe(secondLine.id);
    expect((await forCustomer({ type: 'incident', channel: 'web', tags: [tag] })).tierId).not.toBe(secondLine.id);
  });

  it('by organization: a customer of that organization creating their own ticket is routed', async () => {
    const orgKey = `org-${randomUUID()}`;
    const member = await person(t, 'customer', { org: orgKey });
    const me = (await request(t.url).get('/v1/me').set('Authorization', member.auth).expect(200)).body;
    expect(me.organizationId).toEqual(expect.any(String));
    const r = await rule({ tierId: secondLine.id, conditions: { organizationIds: [me.organizationId] } });

    const own = await ticket(t, member, { subject: 'Cannot log in', description: 'SSO loops' });
    await expectRoutedUp(own as unknown as { id: string } & Record<string, unknown>, secondLine, r.name);
    expect((await request(t.url).get(`/v1/tickets/${own.id}`).set('Authorization', member.auth).expect(200)).body).toMatchObject({
      organizationId: me.organizationId,
      tierId: secondLine.id,
    });
    // The routing fact is staff-only: the customer cannot read the moves.
    await request(t.url).get(`/v1/tickets/${own.id}/escalations`).set('Authorization', member.auth).expect(403);

    // Opened by an admin for that customer: the requester's organization counts, not the caller's.
    expect(await ticket(t, admin, { requesterId: member.id })).toMatchObject({ tierId: secondLine.id, organizationId: me.organizationId });
    // A colleague of the same organization, through GraphQL.
    const colleague = await person(t, 'customer', { org: orgKey });
    const viaGql = await gql(
      t,
      colleague,
      'mutation { createTicket(input: { subject: "VPN", description: "down" }) { id tierId escalationLevel tier { id } } }',
    ).expect(200);
    expect(viaGql.body.errors).toBeUndefined();
    // Customers see where it went (tierId, level) but not the tier's details (staff-only, as in REST).
    expect(viaGql.body.data.createTicket).toMatchObject({ tierId: secondLine.id, escalationLevel: 2, tier: null });
    // Another organization, or none: not routed here.
    const stranger = await person(t, 'customer', { org: `org-${randomUUID()}` });
    expect((await ticket(t, stranger)).tierId).not.toBe(secondLine.id);
    expect((await ticket(t, customer)).tierId).not.toBe(secondLine.id);
  });

  it('the first matching active rule by position wins; inactive rules are skipped; PATCH and DELETE take effect at once', async () => {
    const tag = uniqueTag();
    // Created first but placed later, so position — not age — decides.
    const later = await rule({ tierId: secondLine.id, position: 200, conditions: { tags: [tag] } });
    const earlier = await rule({ tierId: thirdLine.id, position: 100, conditions: { tags: [tag] } });
    const inactive = await rule({ tierId: otherFirstLine.id, position: 0, active: false, conditions: { tags: [tag] } });

    await expectRoutedUp(await forCustomer({ tags: [tag] }), thirdLine, earlier.name);

    await request(t.url).patch(`/v1/routing-rules/${earlier.id}`).set('Authorization', admin.auth).send({ active: false }).expect(200);
    await expectRoutedUp(await forCustomer({ tags: [tag] }), secondLine, later.name);

    // Active again at position 0, the level-1 rule wins: a level-1 tier is no escalation, and its strategy assigns.
    await request(t.url).patch(`/v1/routing-rules/${inactive.id}`).set('Authorization', admin.auth).send({ active: true }).expect(200);
    const sideways = await forCustomer({ tags: [tag] });
    expect(sideways).toMatchObject({ tierId: otherFirstLine.id, escalationLevel: 1 });
    expect(rrAgents.map((a) => a.id)).toContain(sideways.assigneeId);
    expect(await escalations(sideways.id)).toEqual([]);
    expect((await events(sideways.id)).map((e) => e.type)).not.toContain('ticket.escalated');

    await request(t.url).delete(`/v1/routing-rules/${inactive.id}`).set('Authorization', admin.auth).expect(204);
    expect(await forCustomer({ tags: [tag] })).toMatchObject({ tierId: secondLine.id });
  });

  it('equal positions: the older rule wins', async () => {
    const tag = uniqueTag();
    const older = await rule({ tierId: thirdLine.id, position: 300, conditions: { tags: [tag] } });
    await rule({ tierId: secondLine.id, position: 300, conditions: { tags: [tag] } });
    await expectRoutedUp(await forCustomer({ tags: [tag] }), thirdLine, older.name);
  });

  it('a staff caller naming tierId bypasses the rules (and records no escalation)', async () => {
    const tag = uniqueTag();
    await rule({ tierId: thirdLine.id, conditions: { tags: [tag] } });
    const named = await forCustomer({ tags: [tag], tierId: firstLine.id });
    expect(named).toMatchObject({ tierId: firstLine.id, escalationLevel: 1 });
    expect(await escalations(named.id)).toEqual([]);
    const namedHigh = await forCustomer({ tags: [tag], tierId: secondLine.id });
    expect(namedHigh).toMatchObject({ tierId: secondLine.id, escalationLevel: 2 });
    expect(await escalations(namedHigh.id)).toEqual([]);
  });

  it('a routed ticket escalates on from its routed tier like any other', async () => {
    const tag = uniqueTag();
    await rule({ tierId: secondLine.id, conditions: { tags: [tag] } });
    const routed = await forCustomer({ tags: [tag] });
    const up = await request(t.url)
      .post(`/v1/tickets/${routed.id}/escalate`)
      .set('Authorization', admin.auth)
      .send({ reason: 'needs L3', toTierId: thirdLine.id })
      .expect(200);
    expect(up.body).toMatchObject({ tierId: thirdLine.id, escalationLevel: 3, assigneeId: l3Agent.id });
    // Back down by default: to the tier the ticket came from, the routed one.
    const down = await request(t.url)
      .post(`/v1/tickets/${routed.id}/de-escalate`)
      .set('Authorization', admin.auth)
      .send({ reason: 'done', handoff: { summary: 's', environment: 'e' } })
      .expect(200);
    expect(down.body).toMatchObject({ tierId: secondLine.id, escalationLevel: 2 });
    expect((await escalations(routed.id)).map((r) => `${r.trigger}:${r.direction}:${r.toTierId}`)).toEqual([
      `rule:up:${secondLine.id}`,
      `manual:up:${thirdLine.id}`,
      `manual:down:${secondLine.id}`,
    ]);
  });
});
