import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

describe('Ticket lifecycle (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let firstLine: { id: string };
  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    firstLine = await tier(t, admin, 1, [agent]);
  });
  afterAll(() => t.close());

  // Customers' tickets enter the oldest level-1 tier, which in a shared test database may be another file's: tickets the
  // agent must work are opened by an admin for the customer, in this file's tier.
  const forCustomer = (body: Record<string, unknown> = {}) => ticket(t, admin, { requesterId: customer.id, tierId: firstLine.id, ...body });

  it('REST: new → open (agent reply) → pending → customer reply reopens → solved → closed, with the audit trail', async () => {
    const created = await forCustomer({ type: 'incident' });
    expect(created).toMatchObject({
      status: 'new',
      version: 1,
      requesterId: customer.id,
      type: 'incident',
      channel: 'web',
      priority: 'normal',
      tierId: firstLine.id,
    });
    expect(created.number).toBeGreaterThan(0);
    const id = created.id;
    await request(t.url).post(`/v1/tickets/${id}/messages`).set('Authorization', agent.auth).send({ body: 'Which model?' }).expect(201);
    let current = (await request(t.url).get(`/v1/tickets/${id}`).set('Authorization', agent.auth).expect(200)).body;
    expect(current.status).toBe('open');
    expect(current.sla.firstRespondedAt).not.toBeNull();
    current = (
      await request(t.url)
        .patch(`/v1/tickets/${id}`)
        .set('Authorization', agent.auth)
        .set('If-Match', `"${current.version}"`)
        .send({ status: 'pending' })
        .expect(200)
    ).body;
    await request(t.url).post(`/v1/tickets/${id}/messages`).set('Authorization', customer.auth).send({ body: 'An LX-300' }).expect(201);
    current = (await request(t.url).get(`/v1/tickets/${id}`).set('Authorization', customer.auth).expect(200)).body;
    expect(current.status).toBe('open');
    current = (await request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', agent.auth).send({ status: 'solved' }).expect(200))
      .body;
    expect(current.solvedAt).not.toBeNull();
    current = (await request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', agent.auth).send({ status: 'closed' }).expect(200))
      .body;
    expect(current.closedAt).not.toBeNull();
    const reopen = await request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', agent.auth).send({ status: 'open' }).expect(422);
    expect(reopen.body.code).toBe('INVALID_TRANSITION');
    await request(t.url).post(`/v1/tickets/${id}/messages`).set('Authorization', customer.auth).send({ body: 'again' }).expect(422);
    const followUp = await ticket(t, customer, { followUpOfId: id });
    expect(followUp).toMatchObject({ followUpOfId: id, status: 'new' });

    const events = (await request(t.url).get(`/v1/tickets/${id}/events`).set('Authorization', agent.auth).expect(200)).body.data;
    expect(events.map((e: { sequence: number }) => e.sequence)).toEqual(events.map((_: unknown, i: number) => i + 1));
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ticket.created', 'ticket.message_added', 'ticket.status_changed', 'ticket.updated']),
    );
    expect(events.find((e: { type: string }) => e.type === 'ticket.status_changed')).toMatchObject({
      actor: agent.id,
      before: { status: 'new' },
      after: { status: 'open' },
    });
    await request(t.url).get(`/v1/tickets/${id}/events`).set('Authorization', customer.auth).expect(403);
  });

  it('GraphQL: createTicket, updateTicket with expectedVersion, addTicketMessage, ticket with nested fields', async () => {
    // Customers cannot read tiers (as in REST): the level shows in escalationLevel, the tier object is null.
    const mine = await gql(
      t,
      customer,
      'mutation { createTicket(input: { subject: "VPN down", description: "Cannot connect" }) { id status escalationLevel requester { id } tier { level } } }',
    );
    expect(mine.body.data.createTicket).toMatchObject({ status: 'new', escalationLevel: 1, requester: { id: customer.id }, tier: null });
    const created = await gql(
      t,
      admin,
      `mutation { createTicket(input: { subject: "VPN down", description: "Cannot connect", requesterId: "${customer.id}", tierId: "${firstLine.id}" }) { id version } }`,
    );
    const { id } = created.body.data.createTicket;
    const stale = await gql(
      t,
      agent,
      'mutation($id: ID!) { updateTicket(id: $id, input: { priority: high }, expectedVersion: 7) { id } }',
      { id },
    );
    expect(stale.body.errors[0].extensions.code).toBe('PRECONDITION_FAILED');
    const updated = await gql(
      t,
      agent,
      'mutation($id: ID!) { updateTicket(id: $id, input: { priority: high, assigneeId: "' +
        agent.id +
        '" }, expectedVersion: 1) { priority version assignee { id } } }',
      { id },
    );
    expect(updated.body.data.updateTicket).toEqual({ priority: 'high', version: 2, assignee: { id: agent.id } });
    await gql(
      t,
      agent,
      'mutation($id: ID!) { addTicketMessage(ticketId: $id, input: { body: "internal hint", visibility: internal }) { id } }',
      { id },
    );
    const asCustomer = await gql(t, customer, 'query($id: ID!) { ticket(id: $id) { messages { edges { node { body visibility } } } } }', {
      id,
    });
    expect(asCustomer.body.data.ticket.messages.edges).toEqual([]);
    const asAgent = await gql(
      t,
      agent,
      'query($id: ID!) { ticket(id: $id) { messages { edges { node { body visibility } } } events { edges { node { type } } } } }',
      { id },
    );
    expect(asAgent.body.data.ticket.messages.edges).toEqual([{ node: { body: 'internal hint', visibility: 'internal' } }]);
    const list = await gql(
      t,
      agent,
      '{ tickets(first: 5, filter: { status: [new, open] }) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(list.body.errors).toBeUndefined();
  });

  it('customers cannot mass-assign staff fields (403 naming them) or post internal notes', async () => {
    const res = await request(t.url)
      .post('/v1/tickets')
      .set('Authorization', customer.auth)
      .send({ subject: 's', description: 'd', assigneeId: agent.id, tierId: firstLine.id, priority: 'urgent' })
      .expect(403);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['assigneeId', 'priority', 'tierId']);
    const own = await forCustomer();
    const patch = await request(t.url)
      .patch(`/v1/tickets/${own.id}`)
      .set('Authorization', customer.auth)
      .send({ status: 'solved' })
      .expect(403);
    expect(patch.body.errors[0].field).toBe('status');
    await request(t.url).patch(`/v1/tickets/${own.id}`).set('Authorization', customer.auth).send({ subject: 'Better subject' }).expect(200);
    await request(t.url)
      .post(`/v1/tickets/${own.id}/messages`)
      .set('Authorization', customer.auth)
      .send({ body: 'x', visibility: 'internal' })
      .expect(403);
    await request(t.url).patch(`/v1/tickets/${own.id}`).set('Authorization', customer.auth).send({ status: 'bogus' }).expect(400);
  });

  it('lists filter, sort and search (English and Russian stemming)', async () => {
    const a = await ticket(t, customer, { subject: 'Принтер не печатает', description: 'совсем' });
    const b = await ticket(t, customer, { subject: 'Printers are failing', description: 'all of them' });
    const search = async (q: string) =>
      (await request(t.url).get('/v1/tickets').query({ q, limit: 100 }).set('Authorization', customer.auth).expect(200)).body.data.map(
        (x: { id: string }) => x.id,
      );
    expect(await search('принтеры')).toContain(a.id);
    expect(await search('printer fail')).toContain(b.id);
    const byPriority = await request(t.url)
      .get('/v1/tickets')
      .query({ sort: 'priority', limit: 2 })
      .set('Authorization', admin.auth)
      .expect(200);
    expect(byPriority.body.nextCursor).toEqual(expect.any(String));
    await request(t.url)
      .get('/v1/tickets')
      .query({ sort: 'priority', cursor: byPriority.body.nextCursor })
      .set('Authorization', admin.auth)
      .expect(200);
    await request(t.url)
      .get('/v1/tickets')
      .query({ sort: 'slaDueAt', status: 'new,open', assigneeId: 'none' })
      .set('Authorization', agent.auth)
      .expect(200);
    await request(t.url).get('/v1/tickets').query({ status: 'weird' }).set('Authorization', agent.auth).expect(400);
  });

  it.each(['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'priority', 'slaDueAt'])(
    'GET /v1/tickets?sort=%s walks every page once, no duplicates, no gaps',
    async (sort) => {
      const own = await tier(t, admin, 9);
      const ids = new Set<string>();
      for (let i = 0; i < 23; i++)
        ids.add(
          (await ticket(t, admin, { requesterId: customer.id, tierId: own.id, priority: ['low', 'normal', 'high', 'urgent'][i % 4] })).id,
        );
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res: request.Response = await request(t.url)
          .get('/v1/tickets')
          .query({ tierId: own.id, sort, limit: 5, ...(cursor ? { cursor } : {}) })
          .set('Authorization', admin.auth)
          .expect(200);
        seen.push(...res.body.data.map((x: { id: string }) => x.id));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(23);
      expect(new Set(seen)).toEqual(ids);
    },
  );
});
