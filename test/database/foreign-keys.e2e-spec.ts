import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { QueryFailedError, type DataSource } from 'typeorm';
import { toProblem } from '../../src/common/errors/problem';
import type { DatabaseConfig } from '../../src/config/app-config';
import { withScratchDatabase } from '../../src/database/scratch-database';
import { entities } from '../../src/entities';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

const runDb = process.env.TIERDESK_TEST_DB_URL;
const pgOnly = runDb ? it : it.skip;
const scratch: DatabaseConfig = runDb
  ? { kind: 'postgres', url: runDb, poolMax: 2, runMigrations: true }
  : { kind: 'embedded', dataDir: null, poolMax: 2, runMigrations: true };

describe('Foreign keys (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  beforeAll(async () => {
    t = await createTestApp();
    [admin, agent, customer] = [await person(t, 'admin'), await person(t, 'agent'), await person(t, 'customer')];
  });
  afterAll(() => t.close());

  const violation = async (sql: string, params: unknown[]) => {
    const error = await t.dataSource.query(sql, params).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryFailedError);
    return toProblem(error);
  };

  it('the database refuses a row naming a missing one, and the answer is a 400 naming the field', async () => {
    const [home] = await t.dataSource.query(`SELECT id FROM tier LIMIT 1`);
    const answer = await violation(`INSERT INTO tier_member ("tierId", "userId") VALUES ($1, $2)`, [home.id, randomUUID()]);
    expect(answer).toMatchObject({
      unexpected: false,
      problem: { status: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'userId', message: 'userId is not an existing user account' }] },
    });
  });

  it('the database refuses to delete a row still referred to, and the answer is a 409 naming the referring column', async () => {
    const { id } = await ticket(t, customer, {});
    const answer = await violation(`DELETE FROM user_account WHERE id = $1`, [customer.id]);
    expect(answer.problem).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(answer.problem.detail).toMatch(/^Still in use: \w+\.\w+ refers to it$/);
    expect((await request(t.url).get(`/v1/tickets/${id}`).set('Authorization', customer.auth).expect(200)).body.requesterId).toBe(
      customer.id,
    );
  });

  it('deleting a tier takes its memberships along and clears escalation targets that named it', async () => {
    const doomed = await tier(t, admin, 6, [agent]);
    const below = await tier(t, admin, 5, [], { escalationTargetId: doomed.id });
    await request(t.url).delete(`/v1/tiers/${doomed.id}`).set('Authorization', admin.auth).expect(204);
    expect(await t.dataSource.query(`SELECT 1 FROM tier_member WHERE "tierId" = $1`, [doomed.id])).toEqual([]);
    expect(
      (await request(t.url).get(`/v1/tiers/${below.id}`).set('Authorization', admin.auth).expect(200)).body.escalationTargetId,
    ).toBeNull();
    await request(t.url).delete(`/v1/tiers/${below.id}`).set('Authorization', admin.auth).expect(204);
  });

  // Before the foreign key, the membership was written for the tier deleted meanwhile, and the answer was 204.
  pgOnly("PUT /v1/tiers/:id/members/:userId racing the tier's delete: 400 naming tierId, and no membership of a deleted tier", async () => {
    const doomed = await tier(t, admin, 7);
    const deleter = t.dataSource.createQueryRunner();
    await deleter.connect();
    try {
      await deleter.startTransaction();
      await deleter.query(`DELETE FROM tier WHERE id = $1`, [doomed.id]);
      const put = request(t.url)
        .put(`/v1/tiers/${doomed.id}/members/${agent.id}`)
        .set('Authorization', admin.auth)
        .then((res) => res);
      await untilWaitingOnLock(t.dataSource, 'tier_member', put);
      await deleter.commitTransaction();
      const res = await put;
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'tierId' }] });
    } finally {
      if (deleter.isTransactionActive) await deleter.rollbackTransaction();
      await deleter.release();
    }
    expect(await t.dataSource.query(`SELECT 1 FROM tier_member WHERE "tierId" = $1`, [doomed.id])).toEqual([]);
  });
});

describe('AddForeignKeys migration on rows that point at nothing (e2e)', () => {
  // The scratch database has every migration; these take back the ones that add keys, plant rows the services used to
  // allow only by mistake, and run them again.
  const withoutKeys = <T>(work: (ds: DataSource) => Promise<T>, through = 'AddForeignKeys1796430000000') =>
    withScratchDatabase(scratch, entities, async (ds) => {
      for (let undone = ''; undone !== through;) {
        [{ name: undone }] = await ds.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
        await ds.undoLastMigration({ transaction: 'each' });
      }
      return work(ds);
    });
  const somebody = async (ds: DataSource) => {
    const id = randomUUID();
    await ds.query(`INSERT INTO user_account (id, "externalId", version) VALUES ($1, $2, 1)`, [id, `sub-${id}`]);
    return id;
  };
  const aTicket = async (ds: DataSource, requesterId: string, extra: { assigneeId?: string } = {}) => {
    const id = randomUUID();
    const [{ id: tierId }] = await ds.query(`SELECT id FROM tier LIMIT 1`);
    await ds.query(
      `INSERT INTO ticket (id, subject, description, "requesterId", "tierId", "assigneeId", version) VALUES ($1, 's', 'd', $2, $3, $4, 1)`,
      [id, requesterId, tierId, extra.assigneeId ?? null],
    );
    return id;
  };

  it('stops, changing nothing, with table, column and count of rows whose parent is gone (delete or keep is for people to decide)', async () => {
    await withoutKeys(async (ds) => {
      const requester = await somebody(ds);
      const ticketId = await aTicket(ds, randomUUID());
      await ds.query(
        `INSERT INTO ticket_message (id, "ticketId", "authorId", visibility, body) VALUES ($1, $2, $3, 'public', 'x'), ($4, $2, $3, 'public', 'y')`,
        [randomUUID(), randomUUID(), requester, randomUUID()],
      );
      const failure = await ds.runMigrations({ transaction: 'each' }).then(
        () => null,
        (e: Error) => e,
      );
      expect(failure?.message).toContain('ticket.requesterId: 1 row(s) name a user_account that does not exist');
      expect(failure?.message).toContain('ticket_message.ticketId: 2 row(s) name a ticket that does not exist');
      expect(await ds.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname LIKE 'fk\\_%'`)).toEqual([{ n: 0 }]);
      expect(await ds.query(`SELECT id FROM ticket WHERE id = $1`, [ticketId])).toHaveLength(1);
      expect(await ds.query(`SELECT count(*)::int AS n FROM ticket_message`)).toEqual([{ n: 2 }]);
    });
  });

  it('clears references that are optional (the key sets null on delete), and keeps the rows', async () => {
    await withoutKeys(async (ds) => {
      const requester = await somebody(ds);
      const ticketId = await aTicket(ds, requester, { assigneeId: randomUUID() });
      const [{ id: tierId }] = await ds.query(`SELECT id FROM tier LIMIT 1`);
      await ds.query(`UPDATE tier SET "escalationTargetId" = $2 WHERE id = $1`, [tierId, randomUUID()]);
      await ds.runMigrations({ transaction: 'each' });
      expect(await ds.query(`SELECT "requesterId", "assigneeId" FROM ticket WHERE id = $1`, [ticketId])).toEqual([
        { requesterId: requester, assigneeId: null },
      ]);
      expect(await ds.query(`SELECT "escalationTargetId" FROM tier WHERE id = $1`, [tierId])).toEqual([{ escalationTargetId: null }]);
      expect((await ds.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname LIKE 'fk\\_%'`))[0].n).toBeGreaterThan(20);
    });
  });

  it('brings back tiers and SLA policies deleted before deletes were soft, as deleted rows, so history keeps its keys', async () => {
    await withoutKeys(async (ds) => {
      const requester = await somebody(ds);
      const ticketId = await aTicket(ds, requester);
      const [gone, goneToo, policy] = [randomUUID(), randomUUID(), randomUUID()];
      await ds.query(`UPDATE ticket SET "tierId" = $2, "escalationLevel" = 3, "slaPolicyId" = $3 WHERE id = $1`, [ticketId, gone, policy]);
      await ds.query(
        `INSERT INTO ticket_escalation (id, "ticketId", "fromTierId", "toTierId", direction, reason, trigger, at)
         VALUES ($1, $2, $3, $4, 'up', 'r', 'manual', now())`,
        [randomUUID(), ticketId, goneToo, gone],
      );
      await ds.query(
        `INSERT INTO sla_clock (id, "ticketId", metric, cycle, "policyId", "targetMinutes", "startedAt", "dueAt", "warnAt")
         VALUES ($1, $2, 'resolution', 1, $3, 90, now(), now(), now())`,
        [randomUUID(), ticketId, policy],
      );
      await ds.runMigrations({ transaction: 'each' });
      const tiers = await ds.query(
        `SELECT id, level, "deletedAt" IS NOT NULL AS deleted FROM tier WHERE id = ANY($1) ORDER BY level DESC`,
        [[gone, goneToo]],
      );
      expect(tiers).toEqual([
        { id: gone, level: 3, deleted: true },
        { id: goneToo, level: 1, deleted: true },
      ]);
      expect(
        await ds.query(`SELECT "resolutionMinutes", "deletedAt" IS NOT NULL AS deleted FROM sla_policy WHERE id = $1`, [policy]),
      ).toEqual([{ resolutionMinutes: 90, deleted: true }]);
      const keys = await ds.query(`SELECT conname FROM pg_constraint WHERE conname = ANY($1)`, [
        [
          'fk_sla_clock_policyId',
          'fk_ticket_escalation_fromTierId',
          'fk_ticket_escalation_toTierId',
          'fk_ticket_slaPolicyId',
          'fk_ticket_tierId',
        ],
      ]);
      expect(keys).toHaveLength(5);
    }, 'KeepDeletedTiersAndSlaPolicies1796440000000');
  });
});

/**
 * Waits until some connection is blocked on a row lock while writing `table` (the insert's foreign key check waiting
 * for the delete's outcome), or until `request` has been answered without waiting.
 */
async function untilWaitingOnLock(ds: DataSource, table: string, request: Promise<unknown>): Promise<void> {
  let answered = false;
  void request.finally(() => (answered = true));
  for (let i = 0; i < 200 && !answered; i++) {
    const [waiting] = await ds.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE $1`, [`%${table}%`]);
    if (waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!answered) throw new Error(`no statement on ${table} came to wait for the lock`);
}
