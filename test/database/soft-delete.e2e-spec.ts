import request from 'supertest';
import { QueryFailedError } from 'typeorm';
import { toProblem } from '../../src/common/errors/problem';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// Tiers and SLA policies are named by history (closed tickets, escalation records, clocks) under foreign keys, so the
// API deletes them softly: gone from every read, their name or scope free again, the rows that name them intact.
describe('Deleting what history names (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  beforeAll(async () => {
    t = await createTestApp();
    [admin, customer] = [await person(t, 'admin'), await person(t, 'customer')];
  });
  afterAll(() => t.close());

  const as = (p: Person) => ({ Authorization: p.auth });
  const hardDelete = async (table: string, id: string) => {
    const error = await t.dataSource.query(`DELETE FROM ${table} WHERE id = $1`, [id]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryFailedError);
    return toProblem(error).problem;
  };

  it('a tier whose tickets are closed: 204, then 404 and out of the list; its tickets and escalations keep its id under a key', async () => {
    const low = await tier(t, admin, 3);
    const doomed = await tier(t, admin, 4);
    const { id } = await ticket(t, admin, { requesterId: customer.id, tierId: low.id });
    await request(t.url).post(`/v1/tickets/${id}/escalate`).set(as(admin)).send({ reason: 'dev', toTierId: doomed.id }).expect(200);
    for (const status of ['solved', 'closed']) await request(t.url).patch(`/v1/tickets/${id}`).set(as(admin)).send({ status }).expect(200);

    await request(t.url).delete(`/v1/tiers/${doomed.id}`).set(as(admin)).expect(204);
    await request(t.url).get(`/v1/tiers/${doomed.id}`).set(as(admin)).expect(404);
    await request(t.url).delete(`/v1/tiers/${doomed.id}`).set(as(admin)).expect(404);
    const listed = (await request(t.url).get('/v1/tiers?limit=100').set(as(admin)).expect(200)).body.data.map((x: { id: string }) => x.id);
    expect(listed).toContain(low.id);
    expect(listed).not.toContain(doomed.id);
    expect((await request(t.url).get(`/v1/tickets/${id}`).set(as(admin)).expect(200)).body.tierId).toBe(doomed.id);
    const moves = (await request(t.url).get(`/v1/tickets/${id}/escalations`).set(as(admin)).expect(200)).body.data;
    expect(moves.map((m: { toTierId: string }) => m.toTierId)).toEqual([doomed.id]);
    // Its name is free again, and it is no escalation target.
    await request(t.url).post('/v1/tiers').set(as(admin)).send({ name: doomed.name, level: 4 }).expect(201);
    const refused = await request(t.url).patch(`/v1/tiers/${low.id}`).set(as(admin)).send({ escalationTargetId: doomed.id }).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'escalationTargetId' })]);
    // The keys hold: the row cannot go while the history names it.
    expect(await hardDelete('tier', doomed.id)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('an SLA policy with running clocks: 204, then 404; the clocks run on naming it, and its scope takes a new policy', async () => {
    const scope = { priority: 'low', firstResponseMinutes: 60, resolutionMinutes: 600 };
    const policy = (
      await request(t.url)
        .post('/v1/sla-policies')
        .set(as(admin))
        .send({ name: 'Low', ...scope })
        .expect(201)
    ).body;
    const { id } = await ticket(t, admin, { requesterId: customer.id, priority: 'low' });

    await request(t.url).delete(`/v1/sla-policies/${policy.id}`).set(as(admin)).expect(204);
    await request(t.url).get(`/v1/sla-policies/${policy.id}`).set(as(admin)).expect(404);
    await request(t.url).delete(`/v1/sla-policies/${policy.id}`).set(as(admin)).expect(404);
    const sla = (await request(t.url).get(`/v1/tickets/${id}/sla`).set(as(admin)).expect(200)).body;
    expect(sla.policyId).toBe(policy.id);
    expect(sla.clocks.map((c: { policyId: string; dueAt: string }) => [c.policyId, typeof c.dueAt])).toEqual([
      [policy.id, 'string'],
      [policy.id, 'string'],
    ]);
    await request(t.url)
      .post('/v1/sla-policies')
      .set(as(admin))
      .send({ name: 'Low again', ...scope })
      .expect(201);
    expect(await hardDelete('sla_policy', policy.id)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });
});
