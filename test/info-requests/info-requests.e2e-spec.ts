import request from 'supertest';
import { Clock } from '../../src/common/clock/clock';
import { InfoRequestsService } from '../../src/info-requests/info-requests.service';
import { png, log } from '../support/files';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

describe('Information requests (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let stranger: Person;
  let home: { id: string };
  let policyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    stranger = await person(t, 'customer');
    home = await tier(t, admin, 1, [agent]);
    policyId = (
      await request(t.url)
        .post('/v1/sla-policies')
        .set('Authorization', admin.auth)
        .send({ name: `info-${Date.now()}`, priority: 'high', tierId: home.id, firstResponseMinutes: 60, resolutionMinutes: 480 })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await request(t.url).delete(`/v1/sla-policies/${policyId}`).set('Authorization', admin.auth);
    await t.close();
  });

  const newTicket = () => ticket(t, agent, { tierId: home.id, requesterId: customer.id, priority: 'high' });
  const ask = (id: string, as: Person = agent) =>
    request(t.url)
      .post(`/v1/tickets/${id}/info-requests`)
      .set('Authorization', as.auth)
      .send({
        message: 'Could you send us a screenshot of the error and the application log?',
        items: [
          { key: 'screenshot', kind: 'screenshot', label: 'Screenshot of the error', required: true },
          { key: 'log', kind: 'log', label: 'Application log', required: true },
          { key: 'notes', kind: 'text', label: 'Anything else?', required: false },
        ],
      });
  const answer = (id: string, requestId: string, body: Record<string, unknown>, as: Person = customer) =>
    request(t.url).post(`/v1/tickets/${id}/info-requests/${requestId}/responses`).set('Authorization', as.auth).send(body);
  const uploadAs = async (as: Person, id: string, data: Buffer, filename: string) =>
    (
      await request(t.url)
        .post(`/v1/tickets/${id}/attachments`)
        .set('Authorization', as.auth)
        .attach('file', data, { filename })
        .expect(201)
    ).body.id as string;
  const get = async (id: string) => (await request(t.url).get(`/v1/tickets/${id}`).set('Authorization', agent.auth).expect(200)).body;
  const sla = async (id: string) => (await request(t.url).get(`/v1/tickets/${id}/sla`).set('Authorization', agent.auth).expect(200)).body;
  const eventTypes = async (id: string) =>
    (
      (await request(t.url).get(`/v1/tickets/${id}/events`).query({ limit: 100 }).set('Authorization', agent.auth).expect(200)).body
        .data as { type: string }[]
    ).map((e) => e.type);

  it('the whole journey: ask → pending with the SLA paused → answers item by item → open, SLA resumed, info_received', async () => {
    const created = await newTicket();
    const dueBefore = (await sla(created.id)).clocks.find((c: { metric: string }) => c.metric === 'resolution').dueAt;
    const asked = await ask(created.id).expect(201);
    const requestId = asked.body.id;
    expect(asked.body).toMatchObject({
      ticketId: created.id,
      status: 'open',
      items: [
        expect.objectContaining({ key: 'screenshot', answer: null, required: true }),
        expect.anything(),
        expect.objectContaining({ required: false }),
      ],
    });
    expect((await get(created.id)).status).toBe('pending');
    const paused = (await sla(created.id)).clocks.find((c: { metric: string }) => c.metric === 'resolution');
    expect(paused.pauses).toEqual([{ from: expect.any(String), to: null, reason: 'info_request' }]);
    // The request reached the conversation as a public reply the customer sees.
    const messages = (await request(t.url).get(`/v1/tickets/${created.id}/messages`).set('Authorization', customer.auth).expect(200)).body
      .data;
    expect(messages.map((m: { body: string }) => m.body)).toContain(asked.body.message);
    expect(
      (await request(t.url).get(`/v1/tickets/${created.id}/info-requests`).set('Authorization', customer.auth).expect(200)).body.data,
    ).toHaveLength(1);

    const shot = await uploadAs(customer, created.id, png(40, 30), 'error.png');
    const logFile = await uploadAs(customer, created.id, log(20_000), 'app.log');
    // A log item answered with a PNG is refused, naming the attachment.
    const wrongKind = await answer(created.id, requestId, { itemKey: 'log', attachmentIds: [shot] }).expect(400);
    expect(wrongKind.body.errors).toEqual([
      expect.objectContaining({ field: 'attachmentIds[0]', message: expect.stringContaining('image') }),
    ]);
    await answer(created.id, requestId, { itemKey: 'nope', text: 'x' }).expect(400);
    await answer(created.id, requestId, { itemKey: 'screenshot' }).expect(400);
    await answer(created.id, requestId, { itemKey: 'log', attachmentIds: [shot] }, stranger).expect(404);

    await t.app.get(Clock).advance(300); // the ticket waits 300 ms on the customer, without waiting for it
    const first = await answer(created.id, requestId, { itemKey: 'screenshot', attachmentIds: [shot] }).expect(201);
    expect(first.body.status).toBe('open');
    expect((await get(created.id)).status).toBe('pending');
    const done = await answer(created.id, requestId, { itemKey: 'log', attachmentIds: [logFile] }).expect(201);
    expect(done.body).toMatchObject({ status: 'fulfilled', fulfilledAt: expect.any(String) });
    expect(done.body.items[1].answer).toMatchObject({ attachmentIds: [logFile], answeredBy: customer.id });

    expect((await get(created.id)).status).toBe('open');
    const resumed = (await sla(created.id)).clocks.find((c: { metric: string }) => c.metric === 'resolution');
    const [pause] = resumed.pauses;
    expect(pause.to).not.toBeNull();
    expect(Date.parse(resumed.dueAt) - Date.parse(dueBefore)).toBe(Date.parse(pause.to) - Date.parse(pause.from));
    expect(Date.parse(pause.to) - Date.parse(pause.from)).toBeGreaterThanOrEqual(300);
    const types = await eventTypes(created.id);
    expect(types).toEqual(expect.arrayContaining(['ticket.info_requested', 'ticket.info_answered', 'ticket.info_received']));
    expect(types.filter((x) => x === 'ticket.info_received')).toHaveLength(1);
    // The answered files are the customer's to see, and are no longer "unattached".
    await request(t.url).get(`/v1/attachments/${logFile}/content`).set('Authorization', customer.auth).expect(200);
    await answer(created.id, requestId, { itemKey: 'notes', text: 'late' }).expect(422);
  });

  it('who may do what: customers cannot ask (403), strangers see nothing (404), a solved ticket cannot wait (422), duplicate keys → 400', async () => {
    const created = await newTicket();
    await ask(created.id, customer).expect(403);
    await request(t.url).get(`/v1/tickets/${created.id}/info-requests`).set('Authorization', stranger.auth).expect(404);
    const dup = await request(t.url)
      .post(`/v1/tickets/${created.id}/info-requests`)
      .set('Authorization', agent.auth)
      .send({
        message: 'x',
        items: [
          { key: 'a', kind: 'text', label: 'A' },
          { key: 'a', kind: 'log', label: 'B' },
        ],
      })
      .expect(400);
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'items[1].key' })]);
    const badKind = await request(t.url)
      .post(`/v1/tickets/${created.id}/info-requests`)
      .set('Authorization', agent.auth)
      .send({ message: 'x', items: [{ key: 'a', kind: 'video', label: 'A' }] })
      .expect(400);
    expect(badKind.body.errors[0].field).toBe('items[0].kind');
    await request(t.url).patch(`/v1/tickets/${created.id}`).set('Authorization', agent.auth).send({ status: 'solved' }).expect(200);
    await ask(created.id).expect(422);
  });

  it('a reminder fires once while the request waits (the job handler is idempotent); the job is scheduled INFO_REQUEST_REMINDER_HOURS ahead', async () => {
    const created = await newTicket();
    const { body } = await ask(created.id).expect(201);
    const [job] = await t.dataSource.query(
      `SELECT start_after AS "startAfter" FROM pgboss.job WHERE name = 'info-request-reminder' AND data->>'infoRequestId' = $1`,
      [body.id],
    );
    expect(Math.abs(new Date(job.startAfter).getTime() - (Date.parse(body.createdAt) + 48 * 3_600_000))).toBeLessThan(2000);
    const service = t.app.get(InfoRequestsService);
    await service.remind(body.id);
    await service.remind(body.id);
    expect((await eventTypes(created.id)).filter((x) => x === 'ticket.info_reminder')).toHaveLength(1);
    const listed = (await request(t.url).get(`/v1/tickets/${created.id}/info-requests`).set('Authorization', agent.auth).expect(200)).body
      .data[0];
    expect(listed.remindedAt).not.toBeNull();
  });

  it('GraphQL parity: requestInfo, respondToInfoRequest, ticketInfoRequests', async () => {
    const created = await newTicket();
    const asked = await gql(
      t,
      agent,
      `mutation($id: ID!) { requestInfo(ticketId: $id, input: { message: "Which version?", items: [{ key: "version", kind: text, label: "Version" }] }) { id status items { key kind required } } }`,
      { id: created.id },
    ).expect(200);
    expect(asked.body.errors).toBeUndefined();
    const requestId = asked.body.data.requestInfo.id;
    const answered = await gql(
      t,
      customer,
      `mutation($id: ID!, $r: ID!) { respondToInfoRequest(ticketId: $id, requestId: $r, input: { itemKey: "version", text: "4.2.1" }) { status items { answer { text } } } }`,
      { id: created.id, r: requestId },
    ).expect(200);
    expect(answered.body.data.respondToInfoRequest).toEqual({ status: 'fulfilled', items: [{ answer: { text: '4.2.1' } }] });
    const listed = await gql(t, customer, `query($id: ID!) { ticketInfoRequests(ticketId: $id) { edges { node { id status } } } }`, {
      id: created.id,
    }).expect(200);
    expect(listed.body.data.ticketInfoRequests.edges).toEqual([{ node: { id: requestId, status: 'fulfilled' } }]);
    expect((await get(created.id)).status).toBe('open');
  });
});
