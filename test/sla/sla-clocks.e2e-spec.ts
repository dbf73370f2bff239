import request from 'supertest';
import { Clock as AppClock } from '../../src/common/clock/clock';
import { JobQueue } from '../../src/jobs/job-queue';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

interface Clock {
  metric: string;
  cycle: number;
  policyId: string;
  targetMinutes: number;
  startedAt: string;
  dueAt: string;
  pauses: { from: string; to: string | null; reason: string }[];
  satisfiedAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
}

const MINUTE = 60_000;

describe('SLA clocks (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let l1: { id: string };
  let l2: { id: string };
  const policies: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    l2 = await tier(t, admin, 2, [agent]);
    l1 = await tier(t, admin, 1, [agent], { escalationTargetId: l2.id });
    // Tier-specific policies only: in a shared test database a priority-wide policy would put other files' tickets on the clock.
    await policy({ priority: 'high', tierId: l1.id, firstResponseMinutes: 60, resolutionMinutes: 240 });
    await policy({ priority: 'high', tierId: l2.id, firstResponseMinutes: 30, resolutionMinutes: 120 });
    await policy({ priority: 'urgent', tierId: l1.id, firstResponseMinutes: 15, resolutionMinutes: 60, pauseWhilePending: false });
  });
  afterAll(async () => {
    for (const id of policies) await request(t.url).delete(`/v1/sla-policies/${id}`).set('Authorization', admin.auth);
    await t.close();
  });

  async function policy(body: Record<string, unknown>) {
    const res = await request(t.url)
      .post('/v1/sla-policies')
      .set('Authorization', admin.auth)
      .send({ name: `p-${policies.length}-${Date.now()}`, ...body })
      .expect(201);
    policies.push(res.body.id);
    return res.body as { id: string };
  }
  const newTicket = (body: Record<string, unknown> = {}) =>
    ticket(t, agent, { tierId: l1.id, requesterId: customer.id, priority: 'high', ...body });
  const get = async (id: string) => (await request(t.url).get(`/v1/tickets/${id}`).set('Authorization', agent.auth).expect(200)).body;
  const timeline = async (id: string) =>
    (await request(t.url).get(`/v1/tickets/${id}/sla`).set('Authorization', agent.auth).expect(200)).body as {
      policyId: string;
      clocks: Clock[];
    };
  const patch = async (id: string, body: Record<string, unknown>) =>
    (await request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', agent.auth).send(body).expect(200)).body;
  const reply = (id: string, as: Person, body: Record<string, unknown>) =>
    request(t.url).post(`/v1/tickets/${id}/messages`).set('Authorization', as.auth).send(body).expect(201);
  const clock = (clocks: Clock[], metric: string, cycle = 1) => clocks.find((c) => c.metric === metric && c.cycle === cycle)!;

  it('the most specific policy starts both clocks at creation; the ticket shows their deadlines', async () => {
    const created = await newTicket();
    const created_at = Date.parse((await get(created.id)).createdAt);
    const { policyId, clocks } = await timeline(created.id);
    expect(clocks.map((c) => c.metric)).toEqual(['first_response', 'resolution']);
    expect(policyId).toBe(policies[0]);
    expect(Date.parse(clock(clocks, 'first_response').dueAt)).toBe(created_at + 60 * MINUTE);
    expect(Date.parse(clock(clocks, 'resolution').dueAt)).toBe(created_at + 240 * MINUTE);
    const body = await get(created.id);
    expect(body.sla).toEqual({
      policyId: policies[0],
      firstResponseDueAt: clock(clocks, 'first_response').dueAt,
      resolutionDueAt: clock(clocks, 'resolution').dueAt,
      firstRespondedAt: null,
      breached: [],
    });
    // No policy for this priority in this tier: no clocks.
    const unpoliced = await newTicket({ priority: 'low' });
    expect((await timeline(unpoliced.id)).clocks).toEqual([]);
    expect((await get(unpoliced.id)).sla).toMatchObject({ policyId: null, firstResponseDueAt: null, resolutionDueAt: null });
  });

  it('pending pauses the clocks and resuming moves dueAt by exactly the paused time; the timeline shows the pause', async () => {
    const created = await newTicket();
    const before = await timeline(created.id);
    await patch(created.id, { status: 'pending' });
    const paused = await timeline(created.id);
    expect(clock(paused.clocks, 'resolution').pauses).toEqual([{ from: expect.any(String), to: null, reason: 'pending' }]);
    expect((await get(created.id)).sla.firstResponseDueAt).toBe(clock(before.clocks, 'first_response').dueAt);
    await t.app.get(AppClock).advance(1200); // paused 1.2 s, without waiting for it
    await patch(created.id, { status: 'open' });
    const after = await timeline(created.id);
    for (const metric of ['first_response', 'resolution']) {
      const [pause] = clock(after.clocks, metric).pauses;
      expect(pause.reason).toBe('pending');
      expect(pause.to).not.toBeNull();
      const pausedMs = Date.parse(pause.to!) - Date.parse(pause.from);
      expect(pausedMs).toBeGreaterThanOrEqual(1200);
      expect(Date.parse(clock(after.clocks, metric).dueAt) - Date.parse(clock(before.clocks, metric).dueAt)).toBe(pausedMs);
    }
    const ticketAfter = await get(created.id);
    expect(ticketAfter.sla.resolutionDueAt).toBe(clock(after.clocks, 'resolution').dueAt);
  });

  it('pending → on_hold → open records two pauses with their reasons; a policy without pauseWhilePending keeps ticking', async () => {
    const created = await newTicket();
    await patch(created.id, { status: 'pending' });
    await patch(created.id, { status: 'on_hold' });
    await patch(created.id, { status: 'open' });
    const pauses = clock((await timeline(created.id)).clocks, 'resolution').pauses;
    expect(pauses.map((p) => p.reason)).toEqual(['pending', 'on_hold']);
    expect(pauses.every((p) => p.to !== null)).toBe(true);

    const urgent = await newTicket({ priority: 'urgent' });
    const start = await timeline(urgent.id);
    await patch(urgent.id, { status: 'pending' });
    const still = await timeline(urgent.id);
    expect(clock(still.clocks, 'resolution').pauses).toEqual([]);
    expect(clock(still.clocks, 'resolution').dueAt).toBe(clock(start.clocks, 'resolution').dueAt);
  });

  it('the first public agent reply meets first response (internal notes and customer replies do not); solving meets resolution; a reopen starts cycle 2', async () => {
    const created = await newTicket();
    await reply(created.id, agent, { body: 'checking internally', visibility: 'internal' });
    await reply(created.id, customer, { body: 'any news?' });
    expect(clock((await timeline(created.id)).clocks, 'first_response').satisfiedAt).toBeNull();
    const answer = await reply(created.id, agent, { body: 'We are on it' });
    let clocks = (await timeline(created.id)).clocks;
    expect(clock(clocks, 'first_response').satisfiedAt).toBe(answer.body.createdAt);
    expect((await get(created.id)).sla.firstRespondedAt).toBe(answer.body.createdAt);

    const solved = await patch(created.id, { status: 'solved' });
    clocks = (await timeline(created.id)).clocks;
    expect(clock(clocks, 'resolution').satisfiedAt).toBe(solved.solvedAt);
    expect(clock(clocks, 'resolution').breachedAt).toBeNull();
    expect(solved.sla.breached).toEqual([]);

    const reopen = await reply(created.id, customer, { body: 'It broke again' });
    clocks = (await timeline(created.id)).clocks;
    const cycle2 = clock(clocks, 'resolution', 2);
    expect(cycle2.startedAt).toBe(reopen.body.createdAt);
    expect(Date.parse(cycle2.dueAt) - Date.parse(cycle2.startedAt)).toBe(240 * MINUTE);
    expect((await get(created.id)).sla.resolutionDueAt).toBe(cycle2.dueAt);
  });

  it('solving before any reply stops the first-response clock without a breach', async () => {
    const created = await newTicket();
    await patch(created.id, { status: 'solved' });
    const fr = clock((await timeline(created.id)).clocks, 'first_response');
    expect(fr.stoppedAt).not.toBeNull();
    expect(fr.satisfiedAt).toBeNull();
    expect(fr.breachedAt).toBeNull();
  });

  it('escalation and priority changes re-evaluate the policy: same start, the new target', async () => {
    const created = await newTicket();
    const start = clock((await timeline(created.id)).clocks, 'resolution').startedAt;
    await request(t.url)
      .post(`/v1/tickets/${created.id}/escalate`)
      .set('Authorization', agent.auth)
      .send({ reason: 'needs a developer' })
      .expect(200);
    let clocks = (await timeline(created.id)).clocks;
    expect(clock(clocks, 'resolution')).toMatchObject({ policyId: policies[1], targetMinutes: 120, startedAt: start });
    expect(Date.parse(clock(clocks, 'resolution').dueAt)).toBe(Date.parse(start) + 120 * MINUTE);
    expect((await get(created.id)).sla.policyId).toBe(policies[1]);

    const other = await newTicket();
    await patch(other.id, { priority: 'urgent' });
    clocks = (await timeline(other.id)).clocks;
    expect(clock(clocks, 'first_response')).toMatchObject({ policyId: policies[2], targetMinutes: 15 });
  });

  it('GET /v1/tickets/{id}/sla is for staff who can see the ticket: customer 403, agent outside the tier 404', async () => {
    const created = await newTicket();
    const outsider = await person(t, 'agent');
    await request(t.url).get(`/v1/tickets/${created.id}/sla`).set('Authorization', customer.auth).expect(403);
    await request(t.url).get(`/v1/tickets/${created.id}/sla`).set('Authorization', outsider.auth).expect(404);
  });

  it('a job scheduled in a transaction that rolls back is never stored', async () => {
    const jobs = t.app.get(JobQueue);
    const marker = `rollback-${Date.now()}`;
    await expect(
      t.dataSource.transaction(async (em) => {
        await jobs.schedule(
          em,
          'sla-deadline',
          { clockId: marker, kind: 'breach', at: new Date().toISOString() },
          new Date(Date.now() + MINUTE),
        );
        const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'clockId' = $1`, [marker]);
        expect(n).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'clockId' = $1`, [marker]);
    expect(n).toBe(0);
  });
});
