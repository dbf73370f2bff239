import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// Ticket creation keeps tiers, routing rules and SLA policies in memory. Whoever changes them (the API, a migration, a
// psql session, another replica), the next create must follow: every change moves intake_catalog.version (triggers) and
// the create's insert checks it. These changes are made in SQL, behind the API's back, on purpose.
describe('Ticket intake follows tiers, routing rules and SLA policies however they change (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  let agent: Person;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    agent = await person(t, 'agent');
  });
  afterAll(() => t.close());

  const version = async () => (await t.dataSource.query('SELECT version FROM intake_catalog'))[0].version as string;

  it('a routing rule written in SQL routes the next ticket, and deactivated in SQL stops routing', async () => {
    const tag = `intake-${randomUUID().slice(0, 8)}`;
    const specialists = await tier(t, admin, 2);
    expect((await ticket(t, customer, {})).tierId).not.toBe(specialists.id); // the catalog is loaded now
    const [{ id: ruleId }] = await t.dataSource.query(
      `INSERT INTO routing_rule (id, name, position, active, tags, "tierId", version) VALUES ($1, $2, 0, true, ARRAY[$3], $4, 1) RETURNING id`,
      [randomUUID(), `rule-${tag}`, tag, specialists.id],
    );
    try {
      expect((await ticket(t, admin, { requesterId: customer.id, tags: [tag] })).tierId).toBe(specialists.id);
      await t.dataSource.query('UPDATE routing_rule SET active = false WHERE id = $1', [ruleId]);
      expect((await ticket(t, admin, { requesterId: customer.id, tags: [tag] })).tierId).not.toBe(specialists.id);
    } finally {
      await t.dataSource.query('DELETE FROM routing_rule WHERE id = $1', [ruleId]);
    }
  });

  it('an SLA policy written in SQL applies to the next ticket', async () => {
    const target = await tier(t, admin, 3);
    const before = await ticket(t, admin, { requesterId: customer.id, tierId: target.id, priority: 'low' });
    const [{ id: policyId }] = await t.dataSource.query(
      `INSERT INTO sla_policy (id, name, priority, "tierId", "firstResponseMinutes", "resolutionMinutes", version) VALUES ($1, $2, 'low', $3, 7, 70, 1) RETURNING id`,
      [randomUUID(), `sql-${randomUUID()}`, target.id],
    );
    try {
      const after = await ticket(t, admin, { requesterId: customer.id, tierId: target.id, priority: 'low' });
      const [row] = await t.dataSource.query('SELECT "slaPolicyId", "firstResponseDueAt", "createdAt" FROM ticket WHERE id = $1', [
        after.id,
      ]);
      expect(row.slaPolicyId).toBe(policyId);
      expect(row.firstResponseDueAt.getTime() - row.createdAt.getTime()).toBe(7 * 60_000);
      const [clock] = await t.dataSource.query(
        `SELECT "policyId", "targetMinutes" FROM sla_clock WHERE "ticketId" = $1 AND metric = 'first_response'`,
        [after.id],
      );
      expect(clock).toEqual({ policyId, targetMinutes: 7 });
      expect(before.id).not.toBe(after.id);
    } finally {
      await t.dataSource.query('DELETE FROM sla_clock WHERE "policyId" = $1', [policyId]);
      await t.dataSource.query('UPDATE ticket SET "slaPolicyId" = NULL WHERE "slaPolicyId" = $1', [policyId]);
      await t.dataSource.query('DELETE FROM sla_policy WHERE id = $1', [policyId]);
    }
  });

  it('a tier renamed or re-levelled moves the version; a round-robin turn does not', async () => {
    const roundRobin = await tier(t, admin, 4, [agent], { assignment: 'round_robin' });
    const assigned = await ticket(t, admin, { requesterId: customer.id, tierId: roundRobin.id });
    expect(assigned).toEqual(expect.objectContaining({ tierId: roundRobin.id, assigneeId: agent.id }));
    // A turn, seen from one snapshot (other test files share this database and may change tiers meanwhile).
    const runner = t.dataSource.createQueryRunner();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const [{ version: before }] = await runner.query('SELECT version FROM intake_catalog');
      await runner.query('UPDATE tier SET "assignmentCursor" = "assignmentCursor" + 1 WHERE id = $1', [roundRobin.id]);
      expect((await runner.query('SELECT version FROM intake_catalog'))[0].version).toBe(before);
      await runner.query('UPDATE tier SET name = $2 WHERE id = $1', [roundRobin.id, `renamed-${randomUUID()}`]);
      expect(BigInt((await runner.query('SELECT version FROM intake_catalog'))[0].version)).toBe(BigInt(before) + 1n);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    const start = await version();
    await t.dataSource.query('UPDATE tier SET level = 5 WHERE id = $1', [roundRobin.id]);
    expect(BigInt(await version())).toBeGreaterThan(BigInt(start));
    const moved = await ticket(t, admin, { requesterId: customer.id, tierId: roundRobin.id });
    expect(moved).toEqual(expect.objectContaining({ escalationLevel: 5 }));
  });
});
