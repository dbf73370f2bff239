import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

interface Ticket {
  id: string;
  tierId: string;
  assigneeId: string | null;
  status: string;
}

// Every ticket here is created with an explicit tierId of a tier this file made, and every tier gets fresh agents, so
// rotations and loads depend on nothing another file does in a shared database.
describe('Escalations: assignment inside a tier (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  /** Holds the tickets used to give agents a load; manual, so it never assigns by itself. */
  let parking: { id: string };

  beforeAll(async () => {
    // 100 concurrent creates by one admin would otherwise meet the per-credential rate limit.
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    parking = await tier(t, admin, 1, [], { assignment: 'manual' });
  });
  afterAll(() => t.close());

  /** Fresh agents, in the order round robin visits them (by user id). */
  const agents = async (n: number) =>
    (await Promise.all(Array.from({ length: n }, () => person(t, 'agent')))).sort((a, b) => a.id.localeCompare(b.id));
  const create = (tierId: string, body: Record<string, unknown> = {}, as: Person = admin) =>
    ticket(t, as, { requesterId: customer.id, tierId, ...body }) as unknown as Promise<Ticket>;
  const post = (tierId: string, body: Record<string, unknown> = {}) =>
    request(t.url)
      .post('/v1/tickets')
      .set('Authorization', admin.auth)
      .send({ subject: 'Burst', description: 'Many at once', requesterId: customer.id, tierId, ...body });
  const events = async (id: string): Promise<{ type: string; actor: string | null; after: Record<string, unknown> | null }[]> =>
    (await request(t.url).get(`/v1/tickets/${id}/events`).query({ limit: 100 }).set('Authorization', admin.auth).expect(200)).body.data;
  /** Every ticket of a tier as stored, all pages. */
  async function tierTickets(tierId: string): Promise<Ticket[]> {
    const all: Ticket[] = [];
    let cursor: string | undefined;
    do {
      const res = await request(t.url)
        .get('/v1/tickets')
        .query({ tierId, limit: 100, ...(cursor ? { cursor } : {}) })
        .set('Authorization', admin.auth)
        .expect(200);
      all.push(...res.body.data);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }
  const countBy = (tickets: Ticket[]) => {
    const counts: Record<string, number> = {};
    for (const x of tickets) counts[String(x.assigneeId)] = (counts[String(x.assigneeId)] ?? 0) + 1;
    return counts;
  };
  /** Gives an agent `n` working tickets, assigned by hand in the parking tier. */
  const load = async (agent: Person, n: number) => {
    const made: Ticket[] = [];
    for (let i = 0; i < n; i++) made.push(await create(parking.id, { assigneeId: agent.id, subject: `load of ${agent.sub}` }));
    return made;
  };
  const deactivate = (user: Person, active = false) =>
    request(t.url).patch(`/v1/users/${user.id}`).set('Authorization', admin.auth).send({ active }).expect(200);

  it('round robin: 100 tickets created at once into a tier of 4 agents — each has exactly one assignee, 25 per agent', async () => {
    const four = await agents(4);
    const rr = await tier(t, admin, 1, four, { assignment: 'round_robin' });
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => post(rr.id, { subject: `Burst ${i}` })));
    expect(responses.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    const created = responses.map((r) => r.body as Ticket);
    expect(new Set(created.map((x) => x.id)).size).toBe(100);

    const expected = Object.fromEntries(four.map((a) => [a.id, 25]));
    expect(countBy(created)).toEqual(expected);
    // As stored, too.
    const stored = await tierTickets(rr.id);
    expect(stored).toHaveLength(100);
    expect(countBy(stored)).toEqual(expected);
    for (const a of four) {
      const mine = await request(t.url)
        .get('/v1/tickets')
        .query({ tierId: rr.id, assigneeId: 'me', limit: 100 })
        .set('Authorization', a.auth)
        .expect(200);
      expect(mine.body.data).toHaveLength(25);
    }
    // One assignment event per ticket, by the system, naming the stored assignee (a sample: the events API is per ticket).
    for (const x of created.slice(0, 12)) {
      const assigned = (await events(x.id)).filter((e) => e.type === 'ticket.assigned');
      expect(assigned).toEqual([expect.objectContaining({ actor: null, after: { assigneeId: x.assigneeId } })]);
    }
    // The rotation goes on where the burst left it: the next four tickets go to each agent once, in id order.
    const next: string[] = [];
    for (let i = 0; i < 4; i++) next.push((await create(rr.id)).assigneeId!);
    expect(next).toEqual(four.map((a) => a.id));
  });

  it('least loaded: 30 tickets created at once into a tier of 3 idle agents — 10 each', async () => {
    const three = await agents(3);
    const ll = await tier(t, admin, 1, three, { assignment: 'least_loaded' });
    const responses = await Promise.all(Array.from({ length: 30 }, () => post(ll.id)));
    expect(responses.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    expect(countBy(responses.map((r) => r.body))).toEqual(Object.fromEntries(three.map((a) => [a.id, 10])));
  });

  it('least loaded: with a prepared imbalance the next tickets go to the least loaded (ties by id); solved and closed work does not count', async () => {
    const [a, b, c] = await agents(3);
    const ll = await tier(t, admin, 1, [a, b, c], { assignment: 'least_loaded' });
    const aWork = await load(a, 3);
    const bWork = await load(b, 1);
    // Every working status counts: B's ticket waits on the customer, still B's load.
    await request(t.url).patch(`/v1/tickets/${bWork[0].id}`).set('Authorization', admin.auth).send({ status: 'pending' }).expect(200);

    const loads = new Map([
      [a.id, 3],
      [b.id, 1],
      [c.id, 0],
    ]);
    const leastLoaded = () => [...loads.entries()].sort(([idX, x], [idY, y]) => x - y || idX.localeCompare(idY))[0][0];
    const expectNext = async () => {
      const want = leastLoaded();
      const got = (await create(ll.id)).assigneeId;
      expect({ loads: Object.fromEntries(loads), got }).toEqual({ loads: Object.fromEntries(loads), got: want });
      loads.set(want, loads.get(want)! + 1);
    };
    // C (0) first, then B and C alternate while they are below A's 3.
    expect(leastLoaded()).toBe(c.id);
    for (let i = 0; i < 3; i++) await expectNext();
    expect(loads.get(a.id)).toBe(3);

    // A's three are solved (two of them then closed): A is idle again and gets the next ones.
    for (const x of aWork)
      await request(t.url).patch(`/v1/tickets/${x.id}`).set('Authorization', admin.auth).send({ status: 'solved' }).expect(200);
    for (const x of aWork.slice(0, 2))
      await request(t.url).patch(`/v1/tickets/${x.id}`).set('Authorization', admin.auth).send({ status: 'closed' }).expect(200);
    loads.set(a.id, 0);
    for (let i = 0; i < 4; i++) await expectNext();
  });

  it('least loaded counts tickets wherever they are: an escalation goes to the specialist with less work overall', async () => {
    const [busy, idle] = await agents(2);
    const l1 = await tier(t, admin, 1);
    const l2 = await tier(t, admin, 2, [busy, idle], { assignment: 'least_loaded' });
    // Whichever of the two sorts first by id gets the load, so the tie-break alone cannot explain the outcome.
    await load(busy, 2);
    const { id } = await create(l1.id);
    const up = await request(t.url)
      .post(`/v1/tickets/${id}/escalate`)
      .set('Authorization', admin.auth)
      .send({ reason: 'x', toTierId: l2.id })
      .expect(200);
    expect(up.body.assigneeId).toBe(idle.id);
  });

  it('manual: nobody is assigned and no assignment event is written', async () => {
    const [agent] = await agents(1);
    const manual = await tier(t, admin, 1, [agent], { assignment: 'manual' });
    const created = await create(manual.id);
    expect(created.assigneeId).toBeNull();
    expect((await events(created.id)).map((e) => e.type)).not.toContain('ticket.assigned');
  });

  it('an explicit assigneeId wins over the strategy and does not use up a turn of the rotation', async () => {
    const rrAgents = await agents(3);
    const [elsewhere] = await agents(1); // not even a member of the tier
    const rr = await tier(t, admin, 1, rrAgents, { assignment: 'round_robin' });

    const first = await create(rr.id);
    expect(first.assigneeId).toBe(rrAgents[0].id);
    const named = await create(rr.id, { assigneeId: elsewhere.id });
    expect(named.assigneeId).toBe(elsewhere.id);
    expect((await events(named.id)).filter((e) => e.type === 'ticket.assigned')).toEqual([
      expect.objectContaining({ actor: admin.id, after: { assigneeId: elsewhere.id } }),
    ]);
    // Named by an agent of the tier, too.
    const byAgent = await create(rr.id, { assigneeId: rrAgents[2].id }, rrAgents[1]);
    expect(byAgent.assigneeId).toBe(rrAgents[2].id);
    // The rotation continues with the second agent: the named tickets took no turn.
    expect((await create(rr.id)).assigneeId).toBe(rrAgents[1].id);
    expect((await create(rr.id)).assigneeId).toBe(rrAgents[2].id);
    expect((await create(rr.id)).assigneeId).toBe(rrAgents[0].id);

    // In a least-loaded tier as well.
    const ll = await tier(t, admin, 1, rrAgents, { assignment: 'least_loaded' });
    expect((await create(ll.id, { assigneeId: elsewhere.id })).assigneeId).toBe(elsewhere.id);
    // Only active staff people can be named.
    const refused = await request(t.url)
      .post('/v1/tickets')
      .set('Authorization', admin.auth)
      .send({ subject: 's', description: 'd', tierId: rr.id, assigneeId: customer.id })
      .expect(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain('assigneeId');
  });

  it('a deactivated agent is skipped by round robin and least loaded; back in turn once reactivated', async () => {
    const [a, b, c] = await agents(3);
    const rr = await tier(t, admin, 1, [a, b, c], { assignment: 'round_robin' });
    const ll = await tier(t, admin, 1, [a, b, c], { assignment: 'least_loaded' });
    await deactivate(b);
    try {
      const rrAssignees: (string | null)[] = [];
      for (let i = 0; i < 6; i++) rrAssignees.push((await create(rr.id)).assigneeId);
      expect(rrAssignees).not.toContain(b.id);
      expect(countBy(rrAssignees.map((assigneeId) => ({ assigneeId }) as Ticket))).toEqual({ [a.id]: 3, [c.id]: 3 });
      // B has no work at all, yet is never picked while inactive; A and C now have 3 (+ these) each.
      const llAssignees: (string | null)[] = [];
      for (let i = 0; i < 4; i++) llAssignees.push((await create(ll.id)).assigneeId);
      expect(llAssignees).not.toContain(b.id);
      expect(countBy(llAssignees.map((assigneeId) => ({ assigneeId }) as Ticket))).toEqual({ [a.id]: 2, [c.id]: 2 });
      // Nor can a deactivated agent be named.
      await request(t.url)
        .post('/v1/tickets')
        .set('Authorization', admin.auth)
        .send({ subject: 's', description: 'd', tierId: rr.id, assigneeId: b.id })
        .expect(400);
      // Nor is an escalation into a tier assigned to one.
      const l1 = await tier(t, admin, 1);
      const { id } = await create(l1.id);
      const up = await request(t.url)
        .post(`/v1/tickets/${id}/escalate`)
        .set('Authorization', admin.auth)
        .send({ reason: 'x', toTierId: (await tier(t, admin, 2, [b], { assignment: 'least_loaded' })).id })
        .expect(200);
      expect(up.body.assigneeId).toBeNull();
    } finally {
      await deactivate(b, true);
    }
    // Active again: B is idle, so least loaded picks B.
    expect((await create(ll.id)).assigneeId).toBe(b.id);
  });

  it("an API key's service identity in a tier is never given tickets: only people can be assignees", async () => {
    const [person1] = await agents(1);
    const key = await request(t.url)
      .post('/v1/api-keys')
      .set('Authorization', admin.auth)
      .send({ name: 'queue script', role: 'agent' })
      .expect(201);
    const serviceId: string = key.body.userId;
    const rr = await tier(t, admin, 1, [person1], { assignment: 'round_robin' });
    const ll = await tier(t, admin, 1, [person1], { assignment: 'least_loaded' });
    // Membership lets a script work the tier's queue; refusing it (409) would be a valid design as well.
    const rrMember = await request(t.url).put(`/v1/tiers/${rr.id}/members/${serviceId}`).set('Authorization', admin.auth);
    const llMember = await request(t.url).put(`/v1/tiers/${ll.id}/members/${serviceId}`).set('Authorization', admin.auth);
    expect([rrMember.status, llMember.status]).toEqual(rrMember.status === 204 ? [204, 204] : [409, 409]);
    // A service identity cannot be named as an assignee…
    await request(t.url)
      .post('/v1/tickets')
      .set('Authorization', admin.auth)
      .send({ subject: 's', description: 'd', tierId: rr.id, assigneeId: serviceId })
      .expect(400);
    // …so no strategy may pick one either.
    await load(person1, 3); // the idle service identity would be the least loaded
    const assignees: (string | null)[] = [];
    for (let i = 0; i < 4; i++) assignees.push((await create(rr.id)).assigneeId);
    for (let i = 0; i < 2; i++) assignees.push((await create(ll.id)).assigneeId);
    expect(assignees).toEqual(Array(6).fill(person1.id));
  });

  it('a tier without active agents leaves tickets unassigned (round robin and least loaded)', async () => {
    const empty = await tier(t, admin, 1, [], { assignment: 'round_robin' });
    expect((await create(empty.id)).assigneeId).toBeNull();
    const [only] = await agents(1);
    const solo = await tier(t, admin, 1, [only], { assignment: 'least_loaded' });
    await deactivate(only);
    try {
      expect((await create(solo.id)).assigneeId).toBeNull();
    } finally {
      await deactivate(only, true);
    }
  });
});
