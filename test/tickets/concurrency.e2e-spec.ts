import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

interface AuditEvent {
  sequence: number;
  type: string;
  cursor: string;
  after: Record<string, unknown> | null;
}

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

describe('Ticket concurrency and idempotency (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let home: { id: string };
  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    home = await tier(t, admin, 1, [agent]);
  });
  afterAll(() => t.close());

  const newTicket = (body: Record<string, unknown> = {}) => ticket(t, agent, { tierId: home.id, requesterId: customer.id, ...body });
  const patch = (id: string, version: number, body: Record<string, unknown>) =>
    request(t.url).patch(`/v1/tickets/${id}`).set('Authorization', agent.auth).set('If-Match', `"${version}"`).send(body);
  const current = async (id: string) => (await request(t.url).get(`/v1/tickets/${id}`).set('Authorization', agent.auth).expect(200)).body;

  /** The whole audit trail, every page. */
  async function auditTrail(id: string): Promise<AuditEvent[]> {
    const all: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const res = await request(t.url)
        .get(`/v1/tickets/${id}/events`)
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set('Authorization', agent.auth)
        .expect(200);
      all.push(...res.body.data);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  function statusCounts(responses: request.Response[]): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
    return counts;
  }

  it('50 concurrent PATCHes with If-Match "1": exactly one 200, 49 × 412; then rounds of 10 per version lose no update', async () => {
    const created = await newTicket({ subject: `race ${randomUUID()}` });
    expect(created.version).toBe(1);

    // Every body is a real change (a distinct tag), so no request can succeed as a no-op.
    const first = await Promise.all(
      Array.from({ length: 50 }, (_, i) => patch(created.id, 1, { priority: PRIORITIES[i % 4], tags: [`c${i}`] })),
    );
    expect(statusCounts(first)).toEqual({ 200: 1, 412: 49 });
    for (const res of first.filter((r) => r.status === 412)) {
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('PRECONDITION_FAILED');
    }
    const winner = first.findIndex((r) => r.status === 200);
    expect(first[winner].body).toMatchObject({ version: 2, tags: [`c${winner}`], priority: PRIORITIES[winner % 4] });
    expect(first[winner].headers.etag).toBe('"2"');
    expect(await current(created.id)).toMatchObject({ version: 2, tags: [`c${winner}`], priority: PRIORITIES[winner % 4] });

    // Rounds: each request appends its own tag to what it read; only the round's winner may land.
    const offered: { tag: string; status: number }[] = first.map((res, i) => ({ tag: `c${i}`, status: res.status }));
    const winnerTags = [`c${winner}`];
    for (let version = 2; version <= 6; version++) {
      const before = await current(created.id);
      expect(before.version).toBe(version);
      const round = await Promise.all(
        Array.from({ length: 10 }, (_, i) => patch(created.id, version, { tags: [...before.tags, `v${version}-${i}`] })),
      );
      expect({ version, counts: statusCounts(round) }).toEqual({ version, counts: { 200: 1, 412: 9 } });
      round.forEach((res, i) => offered.push({ tag: `v${version}-${i}`, status: res.status }));
      const won = round.find((r) => r.status === 200)!;
      expect(won.body.version).toBe(version + 1);
      winnerTags.push(won.body.tags.at(-1));
    }

    const final = await current(created.id);
    const winners = offered.filter((o) => o.status === 200).length;
    expect(winners).toBe(6);
    expect(final.version).toBe(winners + 1);
    expect(final.tags).toEqual(winnerTags);
    for (const { tag, status } of offered) expect({ tag, landed: final.tags.includes(tag) }).toEqual({ tag, landed: status === 200 });

    const trail = await auditTrail(created.id);
    const updates = trail.filter((e) => e.type === 'ticket.updated');
    expect(updates).toHaveLength(winners);
    // Each winner's event records exactly the tags it wrote, in the order the versions advanced.
    expect(updates.map((e) => (e.after!.tags as string[]).at(-1))).toEqual(winnerTags);
    expect(trail.map((e) => e.sequence)).toEqual(trail.map((_, i) => i + 1));
  });

  it('20 concurrent messages on one ticket: all 20 stored, audit sequences 1..N gap-free and unique', async () => {
    const created = await newTicket({ subject: `chatty ${randomUUID()}` });
    const bodies = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    // Public agent replies and customer replies, interleaved: status moves happen under the same row lock.
    const responses = await Promise.all(
      bodies.map((body, i) =>
        request(t.url)
          .post(`/v1/tickets/${created.id}/messages`)
          .set('Authorization', (i % 2 ? customer : agent).auth)
          .send({ body }),
      ),
    );
    expect(statusCounts(responses)).toEqual({ 201: 20 });

    const messages = (
      await request(t.url).get(`/v1/tickets/${created.id}/messages`).query({ limit: 100 }).set('Authorization', agent.auth).expect(200)
    ).body;
    expect(messages.data.map((m: { body: string }) => m.body).sort()).toEqual([...bodies].sort());
    expect(messages.nextCursor).toBeNull();

    const trail = await auditTrail(created.id);
    const sequences = trail.map((e) => e.sequence);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(trail.filter((e) => e.type === 'ticket.message_added')).toHaveLength(20);
    expect(new Set(trail.filter((e) => e.type === 'ticket.message_added').map((e) => e.after!.messageId)).size).toBe(20);
    expect(trail[0].type).toBe('ticket.created');
    // The global cursor orders a ticket's events the same way its sequence does.
    const cursors = trail.map((e) => BigInt(e.cursor));
    for (let i = 1; i < cursors.length; i++) expect(cursors[i] > cursors[i - 1]).toBe(true);
  });

  it('20 parallel POST /v1/tickets with one Idempotency-Key: one ticket; every response is the 201 (or its replay) or 409', async () => {
    const subject = `idempotent ${randomUUID()}`;
    const key = `key-${randomUUID()}`;
    const body = { subject, description: 'Sent twenty times at once', tierId: home.id, requesterId: customer.id, tags: ['retry'] };
    const post = () => request(t.url).post('/v1/tickets').set('Authorization', agent.auth).set('Idempotency-Key', key).send(body);
    const responses = await Promise.all(Array.from({ length: 20 }, post));

    for (const res of responses) expect([201, 409]).toContain(res.status);
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const originals = created.filter((r) => r.headers['idempotent-replayed'] === undefined);
    expect(originals).toHaveLength(1);
    for (const res of created) {
      expect(res.body.id).toBe(originals[0].body.id);
      if (res !== originals[0]) expect(res.headers['idempotent-replayed']).toBe('true');
    }
    for (const res of responses.filter((r) => r.status === 409)) expect(res.body.code).toBe('CONFLICT');

    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM ticket WHERE subject = $1', [subject]);
    expect(count).toBe(1);
    const replay = await post().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(originals[0].body);
    expect((await auditTrail(originals[0].body.id)).filter((e) => e.type === 'ticket.created')).toHaveLength(1);
  });

  it('GraphQL createTicket(input, idempotencyKey) 20× in parallel: one ticket; every result is it or CONFLICT', async () => {
    const subject = `idempotent gql ${randomUUID()}`;
    const key = `gql-${randomUUID()}`;
    const mutation =
      'mutation($input: CreateTicketInput!, $key: String) { createTicket(input: $input, idempotencyKey: $key) { id subject version createdAt tags requester { id } } }';
    const variables = {
      key,
      input: { subject, description: 'Sent twenty times at once', tierId: home.id, requesterId: customer.id, tags: ['retry'] },
    };
    const responses = await Promise.all(Array.from({ length: 20 }, () => gql(t, agent, mutation, variables)));

    const ok = responses.filter((r) => r.body.data?.createTicket);
    const conflicts = responses.filter((r) => r.body.errors);
    expect(ok.length + conflicts.length).toBe(20);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const res of conflicts) {
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].extensions.code).toBe('CONFLICT');
    }
    const id = ok[0].body.data.createTicket.id;
    for (const res of ok) expect(res.body.data.createTicket).toEqual(ok[0].body.data.createTicket);
    expect(ok[0].body.data.createTicket).toMatchObject({ subject, version: 1, tags: ['retry'], requester: { id: customer.id } });

    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM ticket WHERE subject = $1', [subject]);
    expect(count).toBe(1);
    // Once the first call has finished, a retry replays it: same ticket, same fields.
    const replay = await gql(t, agent, mutation, variables);
    expect(replay.body.errors).toBeUndefined();
    expect(replay.body.data.createTicket).toEqual(ok[0].body.data.createTicket);
    expect((await auditTrail(id)).filter((e) => e.type === 'ticket.created')).toHaveLength(1);
  });
});
