import request from 'supertest';
import { sleep } from '../support/feed';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// Who a caller is comes from a per-process cache: every change must still take effect on the next request, here and on
// every other replica (PostgreSQL NOTIFY; one process on the embedded database).
const pgOnly = process.env.TIERDESK_TEST_DB_URL ? it : it.skip;

describe('Identity cache (e2e)', () => {
  let a: TestApp;
  let admin: Person;
  beforeAll(async () => {
    a = await createTestApp();
    admin = await person(a, 'admin');
  });
  afterAll(() => a.close());

  const me = (t: TestApp, who: Person) => request(t.url).get('/v1/me').set('Authorization', who.auth);

  it('deactivation, reactivation and a role set by an admin take effect on the very next request', async () => {
    const user = await person(a, 'customer');
    await me(a, user).expect(200);
    await request(a.url).patch(`/v1/users/${user.id}`).set('Authorization', admin.auth).send({ active: false }).expect(200);
    await me(a, user).expect(401);
    await request(a.url).patch(`/v1/users/${user.id}`).set('Authorization', admin.auth).send({ active: true, role: 'agent' }).expect(200);
    expect((await me(a, user).expect(200)).body.role).toBe('agent');
  });

  it("a membership change is seen by the next request: the tier's tickets appear, then vanish", async () => {
    const agent = await person(a, 'agent');
    const l1 = await tier(a, admin, 1);
    const x = await ticket(a, admin, { tierId: l1.id });
    await request(a.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth).expect(404);
    await request(a.url).put(`/v1/tiers/${l1.id}/members/${agent.id}`).set('Authorization', admin.auth).expect(204);
    await request(a.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth).expect(200);
    await request(a.url).delete(`/v1/tiers/${l1.id}/members/${agent.id}`).set('Authorization', admin.auth).expect(204);
    await request(a.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth).expect(404);
  });

  it("deleting a tier takes it out of its members' memberships at once", async () => {
    const agent = await person(a, 'agent');
    const gone = await tier(a, admin, 7, [agent]);
    const x = await ticket(a, admin, { tierId: gone.id });
    for (const status of ['solved', 'closed'])
      await request(a.url).patch(`/v1/tickets/${x.id}`).set('Authorization', admin.auth).send({ status }).expect(200);
    await request(a.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth).expect(200); // the membership is cached now
    await request(a.url).delete(`/v1/tiers/${gone.id}`).set('Authorization', admin.auth).expect(204);
    await request(a.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth).expect(404);
  });

  describe('two replicas', () => {
    let b: TestApp;
    beforeAll(async () => {
      if (process.env.TIERDESK_TEST_DB_URL) b = await createTestApp();
    });
    afterAll(() => b?.close());

    // NOTIFY reaches the other replica within milliseconds of the commit; polling only absorbs that delivery.
    const eventually = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 2000;
      let ok = await check();
      while (!ok && Date.now() < deadline) {
        await sleep(20);
        ok = await check();
      }
      expect(ok ? what : `not: ${what}`).toBe(what);
    };

    pgOnly('a user deactivated through one replica is refused by the other, which had them cached', async () => {
      const user = await person(a, 'customer');
      await me(b, user).expect(200);
      await me(b, user).expect(200); // cached on B now
      await request(a.url).patch(`/v1/users/${user.id}`).set('Authorization', admin.auth).send({ active: false }).expect(200);
      await eventually(async () => (await me(b, user)).status === 401, 'B refuses the deactivated user');
    });

    pgOnly('a membership granted and withdrawn through one replica changes what the other shows', async () => {
      const agent = await person(a, 'agent');
      const l1 = await tier(a, admin, 1);
      const x = await ticket(a, admin, { tierId: l1.id });
      await request(b.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth).expect(404);
      await request(a.url).put(`/v1/tiers/${l1.id}/members/${agent.id}`).set('Authorization', admin.auth).expect(204);
      await eventually(
        async () => (await request(b.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth)).status === 200,
        'B shows the ticket',
      );
      await request(a.url).delete(`/v1/tiers/${l1.id}/members/${agent.id}`).set('Authorization', admin.auth).expect(204);
      await eventually(
        async () => (await request(b.url).get(`/v1/tickets/${x.id}`).set('Authorization', agent.auth)).status === 404,
        'B hides the ticket',
      );
    });
  });
});
