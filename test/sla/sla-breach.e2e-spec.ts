import request from 'supertest';
import { Clock } from '../../src/common/clock/clock';
import { SlaDeadlineWorker } from '../../src/escalations/sla-deadline.worker';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, tier, type Person } from '../support/world';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Two replicas need a shared server; each embedded test app owns its own in-memory database.
const onServer = Boolean(process.env.TIERDESK_TEST_DB_URL);

describe(`SLA breach on the clock (e2e, ${onServer ? 'two app instances on one PostgreSQL' : 'one embedded instance'})`, () => {
  const apps: TestApp[] = [];
  let admin: Person;
  let agent: Person;
  let l1: { id: string };
  let l2: { id: string };
  let policyId: string;

  beforeAll(async () => {
    apps.push(await createTestApp());
    if (onServer) apps.push(await createTestApp());
    const [a] = apps;
    admin = await person(a, 'admin');
    agent = await person(a, 'agent');
    l2 = await tier(a, admin, 2, [agent], { assignment: 'round_robin' });
    l1 = await tier(a, admin, 1, [agent], { escalationTargetId: l2.id });
    const res = await request(a.url)
      .post('/v1/sla-policies')
      .set('Authorization', admin.auth)
      .send({
        name: `one-minute-${Date.now()}`,
        priority: 'urgent',
        tierId: l1.id,
        firstResponseMinutes: 1,
        resolutionMinutes: 600,
        autoEscalate: true,
      })
      .expect(201);
    policyId = res.body.id;
  });
  afterAll(async () => {
    await request(apps[0].url).delete(`/v1/sla-policies/${policyId}`).set('Authorization', admin.auth);
    for (const app of apps) await app.close();
  });

  it('a 1-minute first-response target warns at 80 %, breaches at 100 % and auto-escalates exactly once', async () => {
    const [a, b] = [apps[0], apps[apps.length - 1]];
    const created = await request(a.url)
      .post('/v1/tickets')
      .set('Authorization', agent.auth)
      .send({ subject: 'Checkout is down', description: 'All payments fail', priority: 'urgent', tierId: l1.id })
      .expect(201);
    const id = created.body.id as string;
    const dueAt = Date.parse(created.body.sla.firstResponseDueAt);
    expect(dueAt - Date.parse(created.body.createdAt)).toBe(60_000);

    const events = async () =>
      (await request(a.url).get(`/v1/tickets/${id}/events`).query({ limit: 100 }).set('Authorization', admin.auth).expect(200)).body
        .data as { type: string; after: Record<string, unknown> }[];
    // Time moves (on every instance) instead of passing: to 80 % of the target, then to the deadline. The job queue
    // releases what is due by then, and the instances' own workers take it (at most 30 s to show).
    const until = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
      for (const stop = Date.now() + 30_000; Date.now() < stop; await sleep(200)) {
        const found = await probe();
        if (found !== undefined) return found;
      }
      throw new Error('not within 30 s');
    };
    const moveTo = async (at: number) => {
      for (const app of apps) await app.app.get(Clock).advance(Math.max(0, at - app.app.get(Clock).now()));
    };
    await moveTo(Date.parse(created.body.createdAt) + 48_000);
    await until(async () => ((await events()).some((e) => e.type === 'sla.warning') ? true : undefined));
    await moveTo(dueAt);
    // Through the other instance, until the escalation shows.
    let escalations = await until(async () => {
      const rows = (await request(b.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', admin.auth).expect(200)).body.data;
      return rows.length > 0
        ? (rows as { trigger: string; actorId: string | null; handoff: unknown; fromTierId: string; toTierId: string }[])
        : undefined;
    });
    expect(apps[0].app.get(Clock).now()).toBeGreaterThanOrEqual(dueAt);
    // Let any duplicate delivery (the other replica, a retry) have its chance before counting.
    await sleep(3000);
    escalations = (await request(b.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', admin.auth).expect(200)).body.data;
    expect(escalations).toEqual([
      expect.objectContaining({ trigger: 'sla_breach', actorId: null, handoff: null, fromTierId: l1.id, toTierId: l2.id, direction: 'up' }),
    ]);

    const ticket = (await request(a.url).get(`/v1/tickets/${id}`).set('Authorization', admin.auth).expect(200)).body;
    expect(ticket).toMatchObject({ tierId: l2.id, escalationLevel: 2, assigneeId: agent.id });
    expect(ticket.sla.breached).toEqual(['first_response']);

    const trail = await events();
    const count = (type: string) => trail.filter((e) => e.type === type).length;
    expect(count('sla.warning')).toBe(1);
    expect(count('sla.breached')).toBe(1);
    expect(count('ticket.escalated')).toBe(1);
    const warning = trail.find((e) => e.type === 'sla.warning')!;
    expect(warning.after).toMatchObject({ metric: 'first_response' });

    const { clocks } = (await request(a.url).get(`/v1/tickets/${id}/sla`).set('Authorization', admin.auth).expect(200)).body;
    const fr = clocks.find((c: { metric: string }) => c.metric === 'first_response');
    expect(fr.breachedAt).toBe(new Date(dueAt).toISOString());
    expect(Date.parse(fr.warnedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.createdAt) + 48_000);

    // Breached and escalated ticket lists: filter slaBreached, sorted by the next deadline.
    const breached = (
      await request(a.url)
        .get('/v1/tickets')
        .query({ slaBreached: true, tierId: l2.id, sort: 'slaDueAt' })
        .set('Authorization', admin.auth)
        .expect(200)
    ).body.data;
    expect(breached.map((x: { id: string }) => x.id)).toContain(id);

    // A re-delivered job changes nothing: run the breach job again by hand, on both instances.
    const [job] = await a.dataSource.query(
      `SELECT data FROM pgboss.job WHERE name = 'sla-deadline' AND data->>'clockId' = $1 AND data->>'kind' = 'breach'`,
      [await clockId(a, id)],
    );
    expect(job).toBeDefined();
    for (const app of apps) await app.app.get(SlaDeadlineWorker).handle(job.data);
    const again = (await request(a.url).get(`/v1/tickets/${id}/escalations`).set('Authorization', admin.auth).expect(200)).body.data;
    expect(again).toHaveLength(1);
  }, 90_000);
});

async function clockId(app: TestApp, ticketId: string): Promise<string> {
  const [row] = await app.dataSource.query(`SELECT id FROM sla_clock WHERE "ticketId" = $1 AND metric = 'first_response'`, [ticketId]);
  return row.id;
}
