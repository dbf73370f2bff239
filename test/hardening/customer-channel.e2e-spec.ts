import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

// The channel is a routing input (rules match on it), so the intake sets it: web or api from the credential today.
// A customer sending channel "phone" was routed as a phone call; now that is 403 naming channel, like priority.
describe("Ticket channel is the intake's, not the customer's (e2e)", () => {
  let t: TestApp;
  let admin: Person;
  let customer: Person;
  let firstLine: { id: string };
  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    customer = await person(t, 'customer');
    firstLine = await tier(t, admin, 1);
  });
  afterAll(() => t.close());

  it('POST /v1/tickets: a customer sending channel → 403 FORBIDDEN naming channel', async () => {
    for (const channel of ['phone', 'web', 'email']) {
      const res = await request(t.url)
        .post('/v1/tickets')
        .set('Authorization', customer.auth)
        .send({ subject: 's', description: 'd', channel });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', errors: [{ field: 'channel' }] });
    }
  });

  it('createTicket: a customer sending channel → FORBIDDEN naming channel', async () => {
    const res = await gql(
      t,
      customer,
      'mutation { createTicket(input: { subject: "s", description: "d", channel: phone }) { id channel } }',
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', errors: [{ field: 'channel' }] });
  });

  it("a customer's ticket gets the intake's channel: web", async () => {
    expect(await ticket(t, customer)).toMatchObject({ channel: 'web' });
    const viaGql = await gql(t, customer, 'mutation { createTicket(input: { subject: "s", description: "d" }) { channel } }');
    expect(viaGql.body).toEqual({ data: { createTicket: { channel: 'web' } } });
  });

  it('staff may still set the channel (a call taken by an agent), on both transports', async () => {
    expect(await ticket(t, admin, { requesterId: customer.id, tierId: firstLine.id, channel: 'phone' })).toMatchObject({
      channel: 'phone',
      requesterId: customer.id,
    });
    const viaGql = await gql(t, admin, 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { channel } }', {
      input: { subject: 's', description: 'd', requesterId: customer.id, tierId: firstLine.id, channel: 'email' },
    });
    expect(viaGql.body).toEqual({ data: { createTicket: { channel: 'email' } } });
  });
});
