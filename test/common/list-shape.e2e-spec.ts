import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { log, png } from '../support/files';
import { Receiver, until } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

interface Operation {
  path: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type Schema = { properties?: Record<string, unknown> };

// One list shape everywhere (API.md): `?limit=&cursor=` → `{ data, nextCursor }`. Every list of the served contract is
// walked through two pages; a list added later without a way to fill it here fails until one is added.
describe('Every list answers { data, nextCursor } and pages with limit/cursor (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let ticketId: string;
  let lists: string[];
  let receiver: Receiver;
  // What a list needs beyond limit and cursor: the parent id in its path (a ticket's by default), its query.
  const fixtures: Record<string, { id?: string; query?: Record<string, string> }> = {};
  const urlOf = (path: string) => path.replace('{id}', fixtures[path]?.id ?? ticketId);
  const queryOf = (path: string, page: Record<string, unknown>) => ({ ...fixtures[path]?.query, ...page });
  // Rules and policies apply to every ticket of a shared database: these would route and time other files' tickets.
  const rules: string[] = [];
  const policies: string[] = [];
  beforeAll(async () => {
    // Webhooks here go to a receiver on this machine, so private targets are allowed.
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    admin = await person(t, 'admin');
    const as = (p: Person) => ({ Authorization: p.auth });
    receiver = await Receiver.start();
    const hooks: string[] = [];
    for (const events of [['*'], ['ticket.created']])
      hooks.push((await request(t.url).post('/v1/webhooks').set(as(admin)).send({ url: receiver.url, events }).expect(201)).body.id);
    fixtures['/v1/webhooks/{id}/deliveries'] = { id: hooks[0] };
    // Two of everything each list shows.
    const l1 = await tier(t, admin, 1);
    const l2 = await tier(t, admin, 2);
    for (const priority of ['high', 'urgent']) {
      policies.push(
        (
          await request(t.url)
            .post('/v1/sla-policies')
            .set(as(admin))
            .send({ name: `p-${priority}`, priority, firstResponseMinutes: 60, resolutionMinutes: 600 })
            .expect(201)
        ).body.id,
      );
      rules.push(
        (
          await request(t.url)
            .post('/v1/routing-rules')
            .set(as(admin))
            .send({ name: `r-${priority}`, tierId: l1.id, conditions: { priorities: [priority] } })
            .expect(201)
        ).body.id,
      );
      await request(t.url)
        .post('/v1/api-keys')
        .set(as(admin))
        .send({ name: `k-${priority}`, role: 'agent' })
        .expect(201);
    }
    await person(t, 'customer', { org: `org-${randomUUID()}` });
    const customer = await person(t, 'customer', { org: `org-${randomUUID()}` });
    ticketId = (await ticket(t, customer)).id;
    const otherTicketId = (await ticket(t, customer)).id;
    for (const body of ['first', 'second'])
      await request(t.url).post(`/v1/tickets/${ticketId}/messages`).set(as(admin)).send({ body }).expect(201);
    await request(t.url)
      .post(`/v1/tickets/${ticketId}/attachments`)
      .set(as(customer))
      .attach('file', png(8, 8), { filename: 'a.png', contentType: 'image/png' })
      .attach('file', log(200), { filename: 'b.log', contentType: 'text/plain' })
      .expect(201);
    await request(t.url).post(`/v1/tickets/${ticketId}/escalate`).set(as(admin)).send({ reason: 'up', toTierId: l2.id }).expect(200);
    await request(t.url).post(`/v1/tickets/${ticketId}/de-escalate`).set(as(admin)).send({ reason: 'down' }).expect(200);
    for (const key of ['a', 'b']) {
      await request(t.url)
        .post(`/v1/tickets/${ticketId}/info-requests`)
        .set(as(admin))
        .send({ message: 'Please send', items: [{ key, kind: 'text', label: key }] })
        .expect(201);
    }
    // The knowledge base: two categories, two published articles sharing a word, one of them linked on both tickets.
    for (const name of ['c1', 'c2']) await request(t.url).post('/v1/kb/categories').set(as(admin)).send({ name }).expect(201);
    const articleIds: string[] = [];
    for (const title of ['Listword one', 'Listword two']) {
      const body = { slug: `s-${randomUUID()}`, locale: 'en', title, body: 'listword', status: 'published' };
      articleIds.push((await request(t.url).post('/v1/kb/articles').set(as(admin)).send(body).expect(201)).body.id);
    }
    for (const id of [ticketId, otherTicketId])
      await request(t.url)
        .post(`/v1/tickets/${id}/messages`)
        .set(as(admin))
        .send({ body: 'see', kbArticleIds: [articleIds[0]] })
        .expect(201);
    fixtures['/v1/kb/articles/{id}/tickets'] = { id: articleIds[0] };
    fixtures['/v1/kb/search'] = { query: { q: 'listword' } };
    fixtures['/v1/kb/suggestions'] = { query: { text: 'listword' } };
    await until(async () => {
      const res = await request(t.url).get(`/v1/webhooks/${hooks[0]}/deliveries`).set(as(admin)).expect(200);
      return res.body.data.length >= 2;
    }, 'two webhook deliveries');
    // Two mailboxes, and two entries of one's import log (written as the import leaves them: no mail server needed here).
    const mailboxIds: string[] = [];
    for (const name of ['m1', 'm2'])
      mailboxIds.push(
        (
          await request(t.url)
            .post('/v1/mailboxes')
            .set(as(admin))
            .send({ address: `${name}-${randomUUID()}@example.test`, name, inbound: { protocol: 'smtp' } })
            .expect(201)
        ).body.id,
      );
    for (const n of [1, 2])
      await t.dataSource.query(
        `INSERT INTO email_message (id, "mailboxId", "messageId", status, reason) VALUES ($1, $2, $3, 'dropped', 'auto-submitted: auto-replied')`,
        [randomUUID(), mailboxIds[0], `${n}-${randomUUID()}@example.org`],
      );
    fixtures['/v1/mailboxes/{id}/messages'] = { id: mailboxIds[0] };
    const contract = (await request(t.url).get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, Schema> };
    };
    const isList = (op: Operation) => {
      const ref = op.responses['200']?.content?.['application/json']?.schema?.$ref;
      const properties = ref ? (contract.components.schemas[ref.split('/').pop()!]?.properties ?? {}) : {};
      return 'data' in properties;
    };
    lists = Object.entries(contract.paths)
      .filter(([, ops]) => ops.get && isList(ops.get))
      .map(([path]) => path);
  });
  afterAll(async () => {
    await receiver.close();
    for (const id of rules) await request(t.url).delete(`/v1/routing-rules/${id}`).set('Authorization', admin.auth).expect(204);
    for (const id of policies) await request(t.url).delete(`/v1/sla-policies/${id}`).set('Authorization', admin.auth).expect(204);
    await t.close();
  });

  it('finds the lists, each with limit and cursor and a { data, nextCursor } response', () => {
    expect(lists).toEqual(expect.arrayContaining(['/v1/tickets', '/v1/tiers', '/v1/users', '/v1/tickets/{id}/messages']));
  });

  it('walks every list through two pages of one', async () => {
    const walked = await Promise.all(
      lists.map(async (path) => {
        const url = urlOf(path);
        if (/\{/.test(url)) return `${path}: no fixture for its parameters`;
        const first = await request(t.url)
          .get(url)
          .query(queryOf(path, { limit: 1 }))
          .set('Authorization', admin.auth);
        if (first.status !== 200 || first.body.data?.length !== 1 || typeof first.body.nextCursor !== 'string')
          return `${path}: page 1 ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`;
        const second = await request(t.url)
          .get(url)
          .query(queryOf(path, { limit: 1, cursor: first.body.nextCursor }))
          .set('Authorization', admin.auth);
        if (second.status !== 200 || second.body.data?.length !== 1 || !('nextCursor' in second.body))
          return `${path}: page 2 ${second.status} ${JSON.stringify(second.body).slice(0, 200)}`;
        return second.body.data[0].id !== undefined && second.body.data[0].id === first.body.data[0].id
          ? `${path}: page 2 repeats page 1`
          : `${path}: ok`;
      }),
    );
    expect(walked).toEqual(lists.map((path) => `${path}: ok`));
  });

  it('a limit out of 1–100 or a cursor from nowhere → 400 naming it, on every list', async () => {
    for (const path of lists) {
      const big = await request(t.url)
        .get(urlOf(path))
        .query(queryOf(path, { limit: 101 }))
        .set('Authorization', admin.auth);
      expect([path, big.status, big.body.errors?.[0]?.field]).toEqual([path, 400, 'limit']);
      const bad = await request(t.url)
        .get(urlOf(path))
        .query(queryOf(path, { cursor: 'not-a-cursor' }))
        .set('Authorization', admin.auth);
      expect([path, bad.status, bad.body.errors?.[0]?.field]).toEqual([path, 400, 'cursor']);
    }
  });
});
