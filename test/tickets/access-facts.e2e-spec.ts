import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// Authentication reads the caller's tier memberships and its organization's sharing with the user, once per request
// (Actor.access). These facts must be those of the request's own moment: a change shows on the very next request.

describe('Visibility facts read at authentication are fresh on every request (e2e)', () => {
  let t: TestApp;
  let admin: Person;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
  });
  afterAll(() => t.close());

  it('an agent added to a tier sees its ticket on the next request, and removed, no longer', async () => {
    const agent = await person(t, 'agent');
    const support = await tier(t, admin, 7);
    const tk = await ticket(t, admin, { tierId: support.id });
    const get = () => request(t.url).get(`/v1/tickets/${tk.id}`).set('Authorization', agent.auth);

    await get().expect(404);
    await request(t.url).put(`/v1/tiers/${support.id}/members/${agent.id}`).set('Authorization', admin.auth).expect(204);
    await get().expect(200);
    const listed = await request(t.url).get('/v1/tickets').query({ tierId: support.id }).set('Authorization', agent.auth).expect(200);
    expect(listed.body.data.map((x: { id: string }) => x.id)).toEqual([tk.id]);
    await request(t.url).delete(`/v1/tiers/${support.id}/members/${agent.id}`).set('Authorization', admin.auth).expect(204);
    await get().expect(404);
  });

  it("a colleague sees a customer's ticket once the organization shares, and not after it stops", async () => {
    const org = `org-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const alice = await person(t, 'customer', { org });
    const bob = await person(t, 'customer', { org });
    const tk = await ticket(t, alice);
    const organizationId = (await request(t.url).get('/v1/me').set('Authorization', alice.auth).expect(200)).body.organizationId;
    const share = (shareTickets: boolean) =>
      request(t.url).patch(`/v1/organizations/${organizationId}`).set('Authorization', admin.auth).send({ shareTickets }).expect(200);
    const get = () => request(t.url).get(`/v1/tickets/${tk.id}`).set('Authorization', bob.auth);

    await get().expect(404);
    await share(true);
    await get().expect(200);
    await share(false);
    await get().expect(404);
  });
});
