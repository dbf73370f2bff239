import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

interface EscalationRow {
  id: string;
  ticketId: string;
  fromTierId: string;
  toTierId: string;
  direction: 'up' | 'down';
  reason: string;
  handoff: { summary: string | null; stepsToReproduce: string | null; environment: string | null; attachmentIds: string[] } | null;
  actorId: string | null;
  trigger: 'manual' | 'sla_breach' | 'rule';
  at: string;
}

interface AuditEvent {
  type: string;
  actor: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface Ladder {
  l1: { id: string; level: number };
  l2: { id: string; level: number };
  l3: { id: string; level: number };
  l1Agent: Person;
  /** The two L2 agents, in round-robin order (by user id). */
  l2Agents: [Person, Person];
  l3Agents: [Person, Person];
}

// All test files share one database on PostgreSQL: every ticket here is created in a tier this file made, every
// escalation target is fixed by escalationTargetId or toTierId, and no default ever has to pick "the lowest tier above".
describe('Escalations: L1 → L2 → L3 → L1 (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  /** An agent of a tier of its own: outside every ladder. */
  let outsider: Person;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    outsider = await person(t, 'agent');
    await tier(t, admin, 1, [outsider]);
  });
  afterAll(() => t.close());

  /**
   * Three fresh tiers with fresh agents: L1 manual → L2 round robin (needs summary + steps) → L3 least loaded (needs the
   * environment). Fresh agents keep loads and rotations independent of other tests.
   */
  async function ladder(): Promise<Ladder> {
    const l1Agent = await person(t, 'agent');
    const l2Agents = [await person(t, 'agent'), await person(t, 'agent')].sort((a, b) => a.id.localeCompare(b.id)) as [Person, Person];
    const l3Agents = [await person(t, 'agent'), await person(t, 'agent')].sort((a, b) => a.id.localeCompare(b.id)) as [Person, Person];
    const l3 = await tier(t, admin, 3, l3Agents, { assignment: 'least_loaded', requiredHandoff: ['environment'] });
    const l2 = await tier(t, admin, 2, l2Agents, {
      assignment: 'round_robin',
      requiredHandoff: ['summary', 'stepsToReproduce'],
      escalationTargetId: l3.id,
    });
    const l1 = await tier(t, admin, 1, [l1Agent], { assignment: 'manual', escalationTargetId: l2.id });
    return { l1, l2, l3, l1Agent, l2Agents, l3Agents };
  }

  const inTier = (tierId: string, body: Record<string, unknown> = {}) => ticket(t, admin, { requesterId: customer.id, tierId, ...body });
  const escalate = (as: Person, id: string, body: Record<string, unknown>) =>
    request(t.url).post(`/v1/tickets/${id}/escalate`).set('Authorization', as.auth).send(body);
  const deEscalate = (as: Person, id: string, body: Record<string, unknown>) =>
    request(t.url).post(`/v1/tickets/${id}/de-escalate`).set('Authorization', as.auth).send(body);
  const getTicket = (as: Person, id: string) => request(t.url).get(`/v1/tickets/${id}`).set('Authorization', as.auth);
  const escalations = async (id: string, as: Person = admin): Promise<EscalationRow[]> =>
    (await request(t.url).get(`/v1/tickets/${id}/escalations`).query({ limit: 100 }).set('Authorization', as.auth).expect(200)).body.data;
  const events = async (id: string): Promise<AuditEvent[]> =>
    (await request(t.url).get(`/v1/tickets/${id}/events`).query({ limit: 100 }).set('Authorization', admin.auth).expect(200)).body.data;
  /** The fields a 400 names, each once (a field failing several constraints is listed once per constraint). */
  const fields = (res: request.Response) => [...new Set((res.body.errors as { field: string }[]).map((e) => e.field))].sort();

  const L2_HANDOFF = {
    summary: 'Printer LX-300 prints blank pages since the 2.3 driver',
    stepsToReproduce: '1. Install driver 2.3\n2. Print a test page',
  };
  const L3_HANDOFF = { environment: 'Windows 11 23H2, driver 2.3.1, print server CUPS 2.4' };

  it("REST: hand-offs enforced per tier, re-assignment by each tier's strategy, the moves recorded and audited", async () => {
    const { l1, l2, l3, l1Agent, l2Agents, l3Agents } = await ladder();
    // L3 is least-loaded: its first agent (by id) already works a ticket, so the second must get the escalation.
    await inTier(l1.id, { assigneeId: l3Agents[0].id, subject: 'other work' });

    const created = await inTier(l1.id, { priority: 'high' });
    expect(created).toMatchObject({ tierId: l1.id, escalationLevel: 1, assigneeId: null });
    const id = created.id;

    // No hand-off: 400 naming every field L2 requires; nothing moved.
    const none = await escalate(l1Agent, id, { reason: 'Needs a developer' }).expect(400);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(none.body.code).toBe('VALIDATION_FAILED');
    expect(fields(none)).toEqual(['handoff.stepsToReproduce', 'handoff.summary']);
    // Blank text counts as missing; only what is still missing is named.
    const partial = await escalate(l1Agent, id, {
      reason: 'Needs a developer',
      handoff: { summary: L2_HANDOFF.summary, stepsToReproduce: '   ' },
    }).expect(400);
    expect(fields(partial)).toEqual(['handoff.stepsToReproduce']);
    expect((await getTicket(l1Agent, id).expect(200)).body).toMatchObject({ tierId: l1.id, escalationLevel: 1, version: created.version });
    expect(await escalations(id)).toEqual([]);

    // L1 → L2 (L1's escalationTargetId), assigned round robin: the first ticket into L2 goes to its first agent by id.
    const up1 = await escalate(l1Agent, id, { reason: 'Needs a developer', handoff: L2_HANDOFF }).expect(200);
    expect(up1.body).toMatchObject({ id, tierId: l2.id, escalationLevel: 2, assigneeId: l2Agents[0].id, version: created.version + 1 });
    expect(up1.headers.etag).toBe(`"${up1.body.version}"`);

    // It left L1's queue: the L1 agent who escalated it (not an L2 member, not the assignee) no longer sees it.
    await getTicket(l1Agent, id).expect(404);
    await request(t.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', l1Agent.auth).expect(404);
    await escalate(l1Agent, id, { reason: 'again', toTierId: l3.id, handoff: L3_HANDOFF }).expect(404);
    const l1Queue = (
      await request(t.url).get('/v1/tickets').query({ tierId: l1.id, limit: 100 }).set('Authorization', l1Agent.auth).expect(200)
    ).body.data;
    expect(l1Queue.map((x: { id: string }) => x.id)).not.toContain(id);
    // Both L2 agents see it (tier members), the assignee and the other one.
    await getTicket(l2Agents[0], id).expect(200);
    await getTicket(l2Agents[1], id).expect(200);

    // L2 → L3 needs the environment.
    const missingEnv = await escalate(l2Agents[0], id, { reason: 'Driver bug, needs the platform team', handoff: L2_HANDOFF }).expect(400);
    expect(fields(missingEnv)).toEqual(['handoff.environment']);
    const up2 = await escalate(l2Agents[0], id, { reason: 'Driver bug, needs the platform team', handoff: L3_HANDOFF }).expect(200);
    expect(up2.body).toMatchObject({ tierId: l3.id, escalationLevel: 3, assigneeId: l3Agents[1].id });
    // L2 agent no longer sees it either.
    await getTicket(l2Agents[0], id).expect(404);

    // L3 → back to L1 (toTierId below), manual: nobody assigned.
    const down = await deEscalate(l3Agents[1], id, { reason: 'Workaround documented; first line can close it', toTierId: l1.id }).expect(
      200,
    );
    expect(down.body).toMatchObject({ tierId: l1.id, escalationLevel: 1, assigneeId: null });
    await getTicket(l1Agent, id).expect(200);

    // The moves, oldest first, readable by the first-line agent again.
    const rows = await escalations(id, l1Agent);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.direction)).toEqual(['up', 'up', 'down']);
    expect(rows[0]).toEqual({
      id: expect.any(String),
      ticketId: id,
      fromTierId: l1.id,
      toTierId: l2.id,
      direction: 'up',
      reason: 'Needs a developer',
      handoff: { ...L2_HANDOFF, environment: null, attachmentIds: [] },
      actorId: l1Agent.id,
      trigger: 'manual',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(rows[1]).toMatchObject({
      fromTierId: l2.id,
      toTierId: l3.id,
      direction: 'up',
      actorId: l2Agents[0].id,
      trigger: 'manual',
      handoff: { summary: null, stepsToReproduce: null, environment: L3_HANDOFF.environment, attachmentIds: [] },
    });
    expect(rows[2]).toMatchObject({
      fromTierId: l3.id,
      toTierId: l1.id,
      direction: 'down',
      actorId: l3Agents[1].id,
      trigger: 'manual',
      handoff: null,
      reason: 'Workaround documented; first line can close it',
    });
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    expect(Date.parse(rows[0].at)).toBeLessThanOrEqual(Date.parse(rows[1].at));
    expect(Date.parse(rows[1].at)).toBeLessThanOrEqual(Date.parse(rows[2].at));

    // Paginated like every list.
    const page1 = await request(t.url)
      .get(`/v1/tickets/${id}/escalations`)
      .query({ limit: 2 })
      .set('Authorization', admin.auth)
      .expect(200);
    expect(page1.body.data.map((r: EscalationRow) => r.id)).toEqual([rows[0].id, rows[1].id]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await request(t.url)
      .get(`/v1/tickets/${id}/escalations`)
      .query({ limit: 2, cursor: page1.body.nextCursor })
      .set('Authorization', admin.auth)
      .expect(200);
    expect(page2.body).toEqual({ data: [rows[2]], nextCursor: null });

    // The audit trail.
    const trail = await events(id);
    const escalated = trail.filter((e) => e.type === 'ticket.escalated');
    expect(escalated).toHaveLength(2);
    expect(escalated[0]).toMatchObject({
      actor: l1Agent.id,
      before: { tierId: l1.id, escalationLevel: 1 },
      after: {
        tierId: l2.id,
        escalationLevel: 2,
        escalationId: rows[0].id,
        trigger: 'manual',
        reason: 'Needs a developer',
        handoff: L2_HANDOFF,
      },
    });
    expect(escalated[1]).toMatchObject({
      actor: l2Agents[0].id,
      before: { tierId: l2.id, escalationLevel: 2 },
      after: { tierId: l3.id, escalationLevel: 3, escalationId: rows[1].id },
    });
    const deEscalated = trail.filter((e) => e.type === 'ticket.de_escalated');
    expect(deEscalated).toEqual([
      expect.objectContaining({
        actor: l3Agents[1].id,
        before: { tierId: l3.id, escalationLevel: 3 },
        after: expect.objectContaining({ tierId: l1.id, escalationLevel: 1, escalationId: rows[2].id }),
      }),
    ]);
    const assigned = trail.filter((e) => e.type === 'ticket.assigned');
    expect(assigned.map((e) => [e.before?.assigneeId, e.after?.assigneeId])).toEqual([
      [null, l2Agents[0].id],
      [l2Agents[0].id, l3Agents[1].id],
      [l3Agents[1].id, null],
    ]);
    // The order of the trail: each move's escalation event comes before its assignment.
    const moves = trail.filter((e) => ['ticket.escalated', 'ticket.de_escalated', 'ticket.assigned'].includes(e.type)).map((e) => e.type);
    expect(moves).toEqual([
      'ticket.escalated',
      'ticket.assigned',
      'ticket.escalated',
      'ticket.assigned',
      'ticket.de_escalated',
      'ticket.assigned',
    ]);

    // At level 1 nothing is below: de-escalating without a target is an illegal move; nothing is recorded.
    const bottom = await deEscalate(l1Agent, id, { reason: 'lower?' }).expect(422);
    expect(bottom.body.code).toBe('INVALID_TRANSITION');
    expect(await escalations(id)).toHaveLength(3);
  });

  it('GraphQL: escalateTicket / deEscalateTicket, with default targets and idempotencyKey', async () => {
    const { l1, l2, l3, l1Agent, l2Agents, l3Agents } = await ladder();
    await inTier(l1.id, { assigneeId: l3Agents[1].id, subject: 'other work' }); // now l3Agents[0] is the least loaded
    const { id } = await inTier(l1.id);

    const ESCALATE = `mutation($id: ID!, $input: EscalateInput!, $key: String) {
      escalateTicket(id: $id, input: $input, idempotencyKey: $key) { id tierId escalationLevel assigneeId version tier { id level } } }`;
    const DE_ESCALATE = `mutation($id: ID!, $input: EscalateInput!) {
      deEscalateTicket(id: $id, input: $input) { id tierId escalationLevel assigneeId tier { id level } } }`;

    const missing = await gql(t, l1Agent, ESCALATE, { id, input: { reason: 'Needs a developer' } }).expect(200);
    expect(missing.body.data).toBeNull();
    expect(missing.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(missing.body.errors[0].extensions.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'handoff.stepsToReproduce',
      'handoff.summary',
    ]);

    // Default target: L1's escalationTargetId. Sent twice with one idempotency key: one move, the same answer.
    const key = `esc-${randomUUID()}`;
    const input = { reason: 'Needs a developer', handoff: L2_HANDOFF };
    const up1 = await gql(t, l1Agent, ESCALATE, { id, input, key }).expect(200);
    expect(up1.body.errors).toBeUndefined();
    expect(up1.body.data.escalateTicket).toMatchObject({
      id,
      tierId: l2.id,
      escalationLevel: 2,
      assigneeId: l2Agents[0].id,
      tier: { id: l2.id, level: 2 },
    });
    const replay = await gql(t, l1Agent, ESCALATE, { id, input, key }).expect(200);
    expect(replay.body).toEqual(up1.body);
    // The L1 agent's view is gone; the replay did not move it again.
    const gone = await gql(t, l1Agent, 'query($id: ID!) { ticket(id: $id) { id } }', { id });
    expect(gone.body.errors[0].extensions.code).toBe('NOT_FOUND');

    // Default target: L2's escalationTargetId (L3); least loaded.
    const noEnv = await gql(t, l2Agents[0], ESCALATE, { id, input: { reason: 'Platform bug' } });
    expect(noEnv.body.errors[0].extensions.errors.map((e: { field: string }) => e.field)).toEqual(['handoff.environment']);
    const up2 = await gql(t, l2Agents[0], ESCALATE, { id, input: { reason: 'Platform bug', handoff: L3_HANDOFF } }).expect(200);
    expect(up2.body.data.escalateTicket).toMatchObject({
      tierId: l3.id,
      escalationLevel: 3,
      assigneeId: l3Agents[0].id,
      tier: { level: 3 },
    });

    const down = await gql(t, l3Agents[0], DE_ESCALATE, { id, input: { reason: 'Back to first line', toTierId: l1.id } }).expect(200);
    expect(down.body.errors).toBeUndefined();
    expect(down.body.data.deEscalateTicket).toMatchObject({
      tierId: l1.id,
      escalationLevel: 1,
      assigneeId: null,
      tier: { id: l1.id, level: 1 },
    });

    const rows = await escalations(id, l1Agent);
    expect(rows.map((n) => [n.direction, n.fromTierId, n.toTierId, n.actorId, n.trigger])).toEqual([
      ['up', l1.id, l2.id, l1Agent.id, 'manual'],
      ['up', l2.id, l3.id, l2Agents[0].id, 'manual'],
      ['down', l3.id, l1.id, l3Agents[0].id, 'manual'],
    ]);
    expect(rows[0].handoff).toEqual({ ...L2_HANDOFF, environment: null, attachmentIds: [] });
    expect(rows[1].handoff).toEqual({ summary: null, stepsToReproduce: null, environment: L3_HANDOFF.environment, attachmentIds: [] });
    expect(rows[2].handoff).toBeNull();

    const trail = await events(id);
    expect(trail.filter((e) => e.type === 'ticket.escalated')).toHaveLength(2);
    expect(trail.filter((e) => e.type === 'ticket.de_escalated')).toHaveLength(1);

    const bottom = await gql(t, l1Agent, DE_ESCALATE, { id, input: { reason: 'lower?' } });
    expect(bottom.body.errors[0].extensions.code).toBe('INVALID_TRANSITION');
    // Customers: refused by role, not hidden.
    const asCustomer = await gql(t, customer, ESCALATE, { id, input: { reason: 'please', handoff: L2_HANDOFF } });
    expect(asCustomer.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  const LIST = `query($id: ID!, $first: Int, $after: String) { ticketEscalations(ticketId: $id, first: $first, after: $after) {
    edges { cursor node { id ticketId fromTierId toTierId direction reason actorId trigger at handoff { summary stepsToReproduce environment attachmentIds } } }
    pageInfo { hasNextPage endCursor } } }`;

  it('GraphQL ticketEscalations(ticketId, first, after): the same moves as REST, as a connection', async () => {
    const { l1, l2, l3, l1Agent } = await ladder();
    const { id } = await inTier(l1.id);
    await escalate(admin, id, { reason: 'dev', handoff: L2_HANDOFF }).expect(200);
    await escalate(admin, id, { reason: 'platform', handoff: L3_HANDOFF }).expect(200);
    await deEscalate(admin, id, { reason: 'back', toTierId: l1.id }).expect(200);
    const rows = await escalations(id);

    const first = await gql(t, l1Agent, LIST, { id, first: 2 }).expect(200);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.ticketEscalations.pageInfo.hasNextPage).toBe(true);
    const rest = await gql(t, l1Agent, LIST, { id, first: 2, after: first.body.data.ticketEscalations.pageInfo.endCursor }).expect(200);
    expect(rest.body.errors).toBeUndefined();
    expect(rest.body.data.ticketEscalations.pageInfo.hasNextPage).toBe(false);
    const nodes = [...first.body.data.ticketEscalations.edges, ...rest.body.data.ticketEscalations.edges].map(
      (e: { node: EscalationRow }) => e.node,
    );
    expect(nodes).toEqual(rows);
    expect(nodes.map((n) => `${n.direction}:${n.toTierId}`)).toEqual([`up:${l2.id}`, `up:${l3.id}`, `down:${l1.id}`]);

    // Customers: refused by role; agents outside the tier: not found.
    expect((await gql(t, customer, LIST, { id })).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql(t, outsider, LIST, { id })).body.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('GraphQL: a ticket id that is not a UUID is refused (NOT_FOUND or VALIDATION_FAILED), never INTERNAL; a bad toTierId is invalid input', async () => {
    const { l1 } = await ladder();
    const { id } = await inTier(l1.id);
    const codes = async (query: string, variables: Record<string, unknown>) => {
      const res = await gql(t, admin, query, variables);
      return (res.body.errors ?? []).map((e: { extensions: { code: string } }) => e.extensions.code);
    };
    expect({
      escalate: await codes('mutation($id: ID!) { escalateTicket(id: $id, input: { reason: "x" }) { id } }', { id: 'not-a-uuid' }),
      deEscalate: await codes('mutation($id: ID!) { deEscalateTicket(id: $id, input: { reason: "x" }) { id } }', { id: 'not-a-uuid' }),
      badTarget: await codes('mutation($id: ID!) { escalateTicket(id: $id, input: { reason: "x", toTierId: "nope" }) { id } }', { id }),
    }).toEqual({
      // REST answers a malformed path id with 400; an unknown ticket would be 404. Either is fine here, a 500 is not.
      escalate: [expect.stringMatching(/^(NOT_FOUND|VALIDATION_FAILED)$/)],
      deEscalate: [expect.stringMatching(/^(NOT_FOUND|VALIDATION_FAILED)$/)],
      badTarget: ['VALIDATION_FAILED'],
    });
  });

  it('REST Idempotency-Key on escalate: the replay does not move the ticket a second time', async () => {
    const { l1, l2, l1Agent } = await ladder();
    const { id } = await inTier(l1.id);
    const key = `esc-${randomUUID()}`;
    const body = { reason: 'Needs a developer', handoff: L2_HANDOFF };
    const first = await escalate(l1Agent, id, body).set('Idempotency-Key', key).expect(200);
    expect(first.body.tierId).toBe(l2.id);
    const again = await escalate(l1Agent, id, body).set('Idempotency-Key', key).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await escalate(l1Agent, id, { ...body, reason: 'different' })
      .set('Idempotency-Key', key)
      .expect(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await escalations(id)).toHaveLength(1);
  });

  it('default de-escalation goes back to the tier the ticket came from', async () => {
    const { l1, l2, l3, l2Agents, l3Agents } = await ladder();
    // Skipping a level: L1 → L3 directly; the way down goes back to L1, not to L2.
    const skip = await inTier(l1.id);
    await escalate(admin, skip.id, { reason: 'Outage', toTierId: l3.id, handoff: L3_HANDOFF }).expect(200);
    const back = await deEscalate(l3Agents[0], skip.id, { reason: 'Fixed' }).expect(200);
    expect(back.body).toMatchObject({ tierId: l1.id, escalationLevel: 1 });

    // Step by step: L3 → L2 (where it came from) → L1 (where that came from).
    const steps = await inTier(l1.id);
    await escalate(admin, steps.id, { reason: 'dev', handoff: L2_HANDOFF }).expect(200);
    await escalate(admin, steps.id, { reason: 'platform', handoff: L3_HANDOFF }).expect(200);
    // (The hand-off is passed on the way down too, so this test does not depend on whether a de-escalation must carry it.)
    const down1 = await deEscalate(admin, steps.id, { reason: 'done at L3', handoff: L2_HANDOFF }).expect(200);
    expect(down1.body).toMatchObject({ tierId: l2.id, escalationLevel: 2 });
    expect(l2Agents.map((a) => a.id)).toContain(down1.body.assigneeId);
    const down2 = await deEscalate(admin, steps.id, { reason: 'done at L2' }).expect(200);
    expect(down2.body).toMatchObject({ tierId: l1.id, escalationLevel: 1, assigneeId: null });
    expect((await escalations(steps.id)).map((r) => `${r.direction}:${r.toTierId}`)).toEqual([
      `up:${l2.id}`,
      `up:${l3.id}`,
      `down:${l2.id}`,
      `down:${l1.id}`,
    ]);
  });

  it("handing a ticket back down carries the receiving tier's hand-off too (the issue: the target tier's requiredHandoff, both ways)", async () => {
    const { l2, l3 } = await ladderAndTicketAtL3();
    const { id, l1 } = l3;
    const missing = await deEscalate(admin, id, { reason: 'Fixed in 2.3.2; L2 can roll it out' }).expect(400);
    expect(fields(missing).sort()).toEqual(['handoff.stepsToReproduce', 'handoff.summary']);
    const down = await deEscalate(admin, id, { reason: 'Fixed in 2.3.2; L2 can roll it out', handoff: L2_HANDOFF }).expect(200);
    expect(down.body).toMatchObject({ tierId: l2.id, escalationLevel: 2 });
    expect((await escalations(id)).at(-1)).toMatchObject({
      direction: 'down',
      fromTierId: l3.tierId,
      toTierId: l2.id,
      handoff: expect.objectContaining({ summary: L2_HANDOFF.summary }),
    });
    expect(l1).toBeDefined();
  });

  async function ladderAndTicketAtL3() {
    const { l1, l2, l3 } = await ladder();
    const { id } = await inTier(l1.id);
    await escalate(admin, id, { reason: 'dev', handoff: L2_HANDOFF }).expect(200);
    await escalate(admin, id, { reason: 'platform', handoff: L3_HANDOFF }).expect(200);
    return { l2, l3: { id, l1, tierId: l3.id } };
  }

  it('toTierId must lie in the direction of the move (400 naming toTierId); the top tier with nowhere to go is 422', async () => {
    const { l1, l2, l3 } = await ladder();
    const sibling = await tier(t, admin, 2); // same level as L2
    const { id } = await inTier(l2.id);

    const expectToTierId = (res: request.Response) => {
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fields(res)).toEqual(['toTierId']);
    };
    expectToTierId(await escalate(admin, id, { reason: 'x', toTierId: l1.id, handoff: L2_HANDOFF }).expect(400));
    expectToTierId(await escalate(admin, id, { reason: 'x', toTierId: sibling.id }).expect(400));
    expectToTierId(await escalate(admin, id, { reason: 'x', toTierId: l2.id }).expect(400));
    expectToTierId(await deEscalate(admin, id, { reason: 'x', toTierId: l3.id }).expect(400));
    expectToTierId(await deEscalate(admin, id, { reason: 'x', toTierId: sibling.id }).expect(400));
    expectToTierId(await escalate(admin, id, { reason: 'x', toTierId: randomUUID(), handoff: L3_HANDOFF }).expect(400));
    expectToTierId(await escalate(admin, id, { reason: 'x', toTierId: 'not-a-uuid' }).expect(400));
    // The request shape: reason required, unknown fields named, also inside the hand-off.
    expect(fields(await escalate(admin, id, { toTierId: l3.id, handoff: L3_HANDOFF }).expect(400))).toEqual(['reason']);
    expect(fields(await escalate(admin, id, { reason: '', toTierId: l3.id, handoff: L3_HANDOFF }).expect(400))).toEqual(['reason']);
    expect(fields(await escalate(admin, id, { reason: 'x', toTierId: l3.id, handoff: { ...L3_HANDOFF, logs: 'x' } }).expect(400))).toEqual([
      'handoff.logs',
    ]);
    expect(
      fields(await escalate(admin, id, { reason: 'x', toTierId: l3.id, handoff: L3_HANDOFF, priority: 'urgent' }).expect(400)),
    ).toEqual(['priority']);
    expect(await escalations(id)).toEqual([]);
    expect((await getTicket(admin, id).expect(200)).body).toMatchObject({ tierId: l2.id, version: 1 });

    // Level 10 is the highest a tier can have, so nothing can be above this one, whatever other files create.
    const top = await tier(t, admin, 10, [], { escalationTargetId: l1.id }); // a target below does not count
    const atTop = await inTier(top.id);
    try {
      const res = await escalate(admin, atTop.id, { reason: 'even higher' }).expect(422);
      expect(res.body.code).toBe('INVALID_TRANSITION');
    } finally {
      // Leave no level-10 tier behind for other files' defaults: move the ticket out, then delete the tier.
      await deEscalate(admin, atTop.id, { reason: 'cleanup', toTierId: l1.id }).expect(200);
      await request(t.url).delete(`/v1/tiers/${top.id}`).set('Authorization', admin.auth).expect(204);
    }
  });

  /** A small log file uploaded to the ticket by `as`; its attachment id. */
  const uploadLog = async (as: Person, ticketId: string) => {
    const res = await request(t.url)
      .post(`/v1/tickets/${ticketId}/attachments`)
      .set('Authorization', as.auth)
      .attach('file', Buffer.from('2026-11-25T10:50:25Z ERROR spooler: job 42 failed\n'), {
        filename: 'spooler.log',
        contentType: 'text/plain',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('every required hand-off field is named, attachments as handoff.attachmentIds; a manual target leaves the ticket unassigned', async () => {
    const l1 = await tier(t, admin, 1);
    const strict = await tier(t, admin, 2, [], { requiredHandoff: ['summary', 'stepsToReproduce', 'environment', 'attachments'] });
    const { id } = await inTier(l1.id);
    const none = await escalate(admin, id, { reason: 'x', toTierId: strict.id }).expect(400);
    expect(fields(none)).toEqual(['handoff.attachmentIds', 'handoff.environment', 'handoff.stepsToReproduce', 'handoff.summary']);
    const emptyList = await escalate(admin, id, {
      reason: 'x',
      toTierId: strict.id,
      handoff: { ...L2_HANDOFF, ...L3_HANDOFF, attachmentIds: [] },
    }).expect(400);
    expect(fields(emptyList)).toEqual(['handoff.attachmentIds']);
    // The customer's log, posted with their message, and the agent's own upload.
    const customerLog = await uploadLog(customer, id);
    await request(t.url)
      .post(`/v1/tickets/${id}/messages`)
      .set('Authorization', customer.auth)
      .send({ body: 'here is the log', attachmentIds: [customerLog] })
      .expect(201);
    const adminLog = await uploadLog(admin, id);
    const attachmentIds = [customerLog, adminLog];
    const ok = await escalate(admin, id, {
      reason: 'x',
      toTierId: strict.id,
      handoff: { ...L2_HANDOFF, ...L3_HANDOFF, attachmentIds },
    }).expect(200);
    expect(ok.body).toMatchObject({ tierId: strict.id, escalationLevel: 2, assigneeId: null });
    expect((await escalations(id))[0].handoff).toEqual({ ...L2_HANDOFF, ...L3_HANDOFF, attachmentIds });
    // Unassigned before and after: no ticket.assigned event.
    const trail = await events(id);
    expect(trail.filter((e) => e.type === 'ticket.assigned')).toEqual([]);
    expect(trail.filter((e) => e.type === 'ticket.escalated')).toHaveLength(1);
  });

  it("handoff.attachmentIds must be attachments of this ticket: made-up ids or another ticket's files are refused (400), not recorded", async () => {
    const l1 = await tier(t, admin, 1);
    const strict = await tier(t, admin, 2, [], { requiredHandoff: ['attachments'] });
    const { id } = await inTier(l1.id);
    const other = await inTier(l1.id);
    const foreign = await uploadLog(admin, other.id);
    for (const attachmentIds of [[randomUUID()], [foreign]]) {
      const res = await escalate(admin, id, { reason: 'x', toTierId: strict.id, handoff: { attachmentIds } });
      expect({ attachmentIds, status: res.status, code: res.body.code }).toEqual({ attachmentIds, status: 400, code: 'VALIDATION_FAILED' });
      expect(fields(res)[0]).toMatch(/^handoff\.attachmentIds/);
    }
    expect(await escalations(id)).toEqual([]);
    expect((await getTicket(admin, id).expect(200)).body.tierId).toBe(l1.id);
  });

  it("a ticket's escalationLevel is its tier's level, also after an admin changes that level", async () => {
    const { l1, l2 } = await ladder();
    const { id } = await inTier(l1.id);
    await escalate(admin, id, { reason: 'dev', handoff: L2_HANDOFF }).expect(200);
    await request(t.url).patch(`/v1/tiers/${l2.id}`).set('Authorization', admin.auth).send({ level: 4 }).expect(200);
    const read = (await getTicket(admin, id).expect(200)).body;
    expect({ tierId: read.tierId, escalationLevel: read.escalationLevel }).toEqual({ tierId: l2.id, escalationLevel: 4 });
    const viaGql = await gql(t, admin, 'query($id: ID!) { ticket(id: $id) { escalationLevel tier { level } } }', { id });
    expect(viaGql.body.data.ticket).toEqual({ escalationLevel: 4, tier: { level: 4 } });
  });

  it('a closed ticket cannot be escalated or de-escalated (422)', async () => {
    const { l1, l2 } = await ladder();
    const { id } = await inTier(l2.id);
    await request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', admin.auth).send({ status: 'solved' }).expect(200);
    // Solved is not final: it still moves.
    await deEscalate(admin, id, { reason: 'first line confirms the fix', toTierId: l1.id }).expect(200);
    await request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', admin.auth).send({ status: 'closed' }).expect(200);
    const up = await escalate(admin, id, { reason: 'x', toTierId: l2.id, handoff: L2_HANDOFF }).expect(422);
    expect(up.body.code).toBe('INVALID_TRANSITION');
    const down = await deEscalate(admin, id, { reason: 'x' }).expect(422);
    expect(down.body.code).toBe('INVALID_TRANSITION');
    expect(await escalations(id)).toHaveLength(1);
  });

  it("who may: agents outside the ticket's tiers get 404, customers 403, no token 401; an assignee outside the tier may", async () => {
    const { l1, l2, l1Agent, l2Agents } = await ladder();
    const { id } = await ticket(t, admin, { requesterId: customer.id, tierId: l1.id });
    const body = { reason: 'x', handoff: L2_HANDOFF };

    await getTicket(outsider, id).expect(404);
    await escalate(outsider, id, body).expect(404);
    await deEscalate(outsider, id, { reason: 'x' }).expect(404);
    await request(t.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', outsider.auth).expect(404);
    // Not a member of L1: an L2 agent cannot pull the ticket up either.
    await escalate(l2Agents[0], id, body).expect(404);

    await getTicket(customer, id).expect(200); // the requester sees the ticket…
    for (const res of [
      await escalate(customer, id, body),
      await deEscalate(customer, id, { reason: 'x' }),
      await request(t.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', customer.auth),
    ]) {
      expect(res.status).toBe(403); // …but may not move it or read its moves
      expect(res.body.code).toBe('FORBIDDEN');
    }
    await request(t.url).post(`/v1/tickets/${id}/escalate`).send(body).expect(401);
    await request(t.url).get(`/v1/tickets/${id}/escalations`).expect(401);
    expect(await escalations(id)).toEqual([]);

    await escalate(l1Agent, id, body).expect(200);
    await getTicket(l1Agent, id).expect(404);
    // Assigned to the L1 agent by an admin: visible (and movable) again though it stays in L2.
    await request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', admin.auth).send({ assigneeId: l1Agent.id }).expect(200);
    expect((await getTicket(l1Agent, id).expect(200)).body).toMatchObject({ tierId: l2.id, assigneeId: l1Agent.id });
    await request(t.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', l1Agent.auth).expect(200);
    const down = await deEscalate(l1Agent, id, { reason: 'I will take it back' }).expect(200);
    expect(down.body).toMatchObject({ tierId: l1.id, assigneeId: null });
  });

  it('concurrent escalations of one ticket to the same tier: one moves it, the others find it already there (400), one record', async () => {
    const { l1, l2 } = await ladder();
    const { id } = await inTier(l1.id);
    const agents = await Promise.all(Array.from({ length: 3 }, () => person(t, 'agent')));
    for (const a of agents) await request(t.url).put(`/v1/tiers/${l1.id}/members/${a.id}`).set('Authorization', admin.auth).expect(204);
    const results = await Promise.all(
      [admin, ...agents, admin].map((as) => escalate(as, id, { reason: 'race', toTierId: l2.id, handoff: L2_HANDOFF })),
    );
    const statuses = results.map((r) => r.status).sort();
    // Agents that lost see the ticket gone from their tier (404); the admin that lost sees it already at L2 (400).
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => [200, 400, 404].includes(s))).toBe(true);
    const rows = await escalations(id);
    expect(rows).toHaveLength(1);
    expect((await getTicket(admin, id).expect(200)).body).toMatchObject({ tierId: l2.id, escalationLevel: 2, version: 2 });
    const trail = await events(id);
    expect(trail.filter((e) => e.type === 'ticket.escalated')).toHaveLength(1);
    expect(trail.filter((e) => e.type === 'ticket.assigned')).toHaveLength(1);
  });

  it("a tier's new level reaches its tickets' escalationLevel (lists filter on the copy)", async () => {
    const { l2 } = await ladder();
    const { id } = await inTier(l2.id);
    const before = (await getTicket(admin, id).expect(200)).body;
    const etag = (await request(t.url).get(`/v1/tiers/${l2.id}`).set('Authorization', admin.auth).expect(200)).headers.etag;
    await request(t.url).patch(`/v1/tiers/${l2.id}`).set('Authorization', admin.auth).set('If-Match', etag).send({ level: 7 }).expect(200);
    // Not a change of the ticket itself: same version.
    expect((await getTicket(admin, id).expect(200)).body).toMatchObject({ tierId: l2.id, escalationLevel: 7, version: before.version });
  });
});
