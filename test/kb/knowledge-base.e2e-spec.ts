import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Clock } from '../../src/common/clock/clock';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, type Person } from '../support/world';

type Article = { id: string; slug: string; version: number; status: string; outdated: boolean; translationOfId: string | null } & Record<
  string,
  unknown
>;
type Hit = { id: string; title: string; snippet: string; score: number };

describe('Knowledge base (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Person;
  let customer: Person;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
  });
  afterAll(() => t.close());

  const slug = () => `a-${randomUUID()}`;
  /** An article written by `as` (admins publish by default here). */
  const article = async (body: Record<string, unknown>, as: Person = admin): Promise<Article> => {
    const res = await request(t.url)
      .post('/v1/kb/articles')
      .set('Authorization', as.auth)
      .send({ slug: slug(), locale: 'en', status: as === admin ? 'published' : undefined, body: '', ...body });
    if (res.status !== 201) throw new Error(`create article: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const search = async (query: Record<string, string | number>, as?: Person) => {
    const req = request(t.url).get('/v1/kb/search').query(query);
    const res = await (as ? req.set('Authorization', as.auth) : req).expect(200);
    return res.body as { data: Hit[]; nextCursor: string | null };
  };
  const ids = (hits: { id: string }[]) => hits.map((h) => h.id);
  const get = (id: string, as?: Person) => {
    const req = request(t.url).get(`/v1/kb/articles/${id}`);
    return as ? req.set('Authorization', as.auth) : req;
  };

  describe('stemming', () => {
    it('Russian: every form of the words finds the article about them', async () => {
      const tag = randomUUID().slice(0, 8);
      const mine = await article({
        locale: 'ru',
        title: `Ошибка входа в личный кабинет ${tag}`,
        body: 'Если система не пускает вас, проверьте пароль и раскладку клавиатуры.',
      });
      for (const q of ['ошибки при входе', 'ошибкой входа', 'ошибок', 'входом в кабинет', 'личного кабинета']) {
        expect({ q, found: ids((await search({ q, locale: 'ru' })).data).includes(mine.id) }).toEqual({ q, found: true });
      }
      // Without a locale every language is searched: the Russian forms still match.
      expect(ids((await search({ q: 'ошибки входа' })).data)).toContain(mine.id);
      expect(ids((await search({ q: 'ошибки входа', locale: 'en' })).data)).not.toContain(mine.id);
    });

    it('English: configure, configuring, configured and configuration are one word', async () => {
      const mine = await article({
        title: 'Configuring single sign-on',
        body: 'Your identity provider must be configured before users sign in.',
      });
      for (const q of ['configure', 'configuration', 'configured providers', 'identity providers', 'signing']) {
        expect({ q, found: ids((await search({ q, locale: 'en' })).data).includes(mine.id) }).toEqual({ q, found: true });
      }
    });

    it('ranks a title match over a body match, and marks the matches in the snippet', async () => {
      const word = `zeta${randomUUID().slice(0, 6)}`;
      const inBody = await article({ title: 'Billing overview', body: `Invoices, refunds and the ${word} plan explained in detail.` });
      const inTitle = await article({ title: `The ${word} plan`, body: 'Everything about this plan.' });
      const { data } = await search({ q: word });
      expect(ids(data)).toEqual([inTitle.id, inBody.id]);
      expect(data[1].snippet).toContain(`<mark>${word}</mark>`);
      expect(data[0].score).toBeGreaterThan(data[1].score);
    });

    it('falls back to typo-tolerant title matching when no word matches', async () => {
      const mine = await article({ title: 'Resetting a forgotten password', body: 'Use the link on the sign-in page.' });
      expect(ids((await search({ q: 'pasword' })).data)).toContain(mine.id);
      expect(ids((await search({ q: 'forgoten pasword' })).data)).toContain(mine.id);
      expect((await search({ q: 'qqqqxxzz' })).data).toEqual([]);
    });

    it('pages ranked results with a cursor, each once', async () => {
      const word = `omega${randomUUID().slice(0, 6)}`;
      const made = [];
      for (let i = 0; i < 5; i++) made.push((await article({ title: `${word} ${'note '.repeat(i)}`, body: `${word} `.repeat(i + 1) })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: Hit[]; nextCursor: string | null } = await search({ q: word, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...ids(page.data));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(made.sort());
    });

    it('refuses a search without words, naming q; and a cursor that is not one of its own', async () => {
      const res = await request(t.url).get('/v1/kb/search').expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('q');
      const bad = await request(t.url).get('/v1/kb/search').query({ q: 'x', cursor: 'bm9wZQ' }).expect(400);
      expect(bad.body.errors[0].field).toBe('cursor');
    });
  });

  describe('drafts and publishing', () => {
    it('drafts exist for staff only: customers and anonymous readers get 404, and never find them', async () => {
      const word = `draft${randomUUID().slice(0, 6)}`;
      const draft = await article({ title: `${word} upcoming feature`, body: 'Not yet.' }, agent);
      expect(draft.status).toBe('draft');
      await get(draft.id, agent).expect(200);
      await get(draft.id, admin).expect(200);
      await get(draft.id, customer).expect(404);
      await get(draft.id).expect(404);
      expect((await search({ q: word })).data).toEqual([]);
      expect((await search({ q: word }, agent)).data).toEqual([]);
      const listed = await request(t.url).get('/v1/kb/articles').query({ slug: draft.slug }).expect(200);
      expect(listed.body.data).toEqual([]);
      const staffList = await request(t.url)
        .get('/v1/kb/articles')
        .query({ slug: draft.slug })
        .set('Authorization', agent.auth)
        .expect(200);
      expect(ids(staffList.body.data)).toEqual([draft.id]);
      const gql = await request(t.url)
        .post('/graphql')
        .send({ query: `query($id: ID!) { kbArticle(id: $id) { id } }`, variables: { id: draft.id } })
        .expect(200);
      expect(gql.body.errors[0].extensions.code).toBe('NOT_FOUND');

      // Agents may not publish; admins (KB_PUBLISH_ROLES) may; then everyone reads it.
      await request(t.url).patch(`/v1/kb/articles/${draft.id}`).set('Authorization', agent.auth).send({ status: 'published' }).expect(403);
      const published = await request(t.url)
        .patch(`/v1/kb/articles/${draft.id}`)
        .set('Authorization', admin.auth)
        .send({ status: 'published' })
        .expect(200);
      expect(published.body.publishedAt).toEqual(expect.any(String));
      await get(draft.id).expect(200);
      expect(ids((await search({ q: word })).data)).toEqual([draft.id]);
      // A published article is the publishers' to change.
      await request(t.url).patch(`/v1/kb/articles/${draft.id}`).set('Authorization', agent.auth).send({ title: 'Mine now' }).expect(403);
    });

    it('customers may not write, and a bad token is 401 even where no token is needed', async () => {
      await request(t.url)
        .post('/v1/kb/articles')
        .set('Authorization', customer.auth)
        .send({ slug: slug(), locale: 'en', title: 'x', body: '' })
        .expect(403);
      await request(t.url).get('/v1/kb/articles').set('Authorization', 'Bearer not-a-token').expect(401);
      await request(t.url).get('/v1/kb/articles').expect(200);
    });

    it('validates what is written, naming the field', async () => {
      const post = (body: Record<string, unknown>) =>
        request(t.url)
          .post('/v1/kb/articles')
          .set('Authorization', admin.auth)
          .send({ slug: slug(), locale: 'en', title: 'T', body: '', ...body });
      const field = async (body: Record<string, unknown>) =>
        (await post(body).expect(400)).body.errors.map((e: { field: string }) => e.field);
      expect(await field({ kind: 'video' })).toContain('videoUrl');
      expect(await field({ slug: 'Not A Slug' })).toContain('slug');
      expect(await field({ locale: 'de' })).toContain('locale');
      expect(await field({ categoryId: randomUUID() })).toContain('categoryId');
      expect(await field({ surprise: 1 })).toContain('surprise');
      const video = await post({
        kind: 'video',
        status: 'published',
        videoUrl: 'https://videos.example.com/setup.mp4',
        transcript: 'First open the quokka settings',
      }).expect(201);
      expect(ids((await search({ q: 'quokka' })).data)).toContain(video.body.id);
      const taken = (await post({}).expect(201)).body.slug;
      await post({ slug: taken }).expect(409);
    });

    it('honours If-Match and expectedVersion: a stale version is 412 / PRECONDITION_FAILED', async () => {
      const mine = await article({ title: 'Versioned', body: 'v1' }, agent);
      const read = await get(mine.id, agent).expect(200);
      expect(read.headers.etag).toBe('"1"');
      const next = await request(t.url)
        .patch(`/v1/kb/articles/${mine.id}`)
        .set('Authorization', agent.auth)
        .set('If-Match', '"1"')
        .send({ body: 'v2' })
        .expect(200);
      expect(next.body.version).toBe(2);
      expect(next.headers.etag).toBe('"2"');
      const stale = await request(t.url)
        .patch(`/v1/kb/articles/${mine.id}`)
        .set('Authorization', agent.auth)
        .set('If-Match', '"1"')
        .send({ body: 'v3' })
        .expect(412);
      expect(stale.body.code).toBe('PRECONDITION_FAILED');
      const gql = await request(t.url)
        .post('/graphql')
        .set('Authorization', agent.auth)
        .send({
          query: `mutation($id: ID!) { updateKbArticle(id: $id, input: { body: "v3" }, expectedVersion: 1) { version } }`,
          variables: { id: mine.id },
        })
        .expect(200);
      expect(gql.body.errors[0].extensions.code).toBe('PRECONDITION_FAILED');
      expect((await get(mine.id, agent).expect(200)).body.body).toBe('v2');
    });
  });

  describe('translations', () => {
    it('links a translation to its source and flags it outdated when the source changes after it', async () => {
      const source = await article({ title: 'Exporting reports', body: 'Open Reports, then Export.' });
      const ru = await article({
        locale: 'ru',
        title: 'Экспорт отчётов',
        body: 'Откройте Отчёты, затем Экспорт.',
        translationOfId: source.id,
      });
      expect(ru).toMatchObject({ translationOfId: source.id, outdated: false });
      // A translation of the translation links to the original; the same locale twice is a conflict.
      const field = (
        await request(t.url)
          .post('/v1/kb/articles')
          .set('Authorization', admin.auth)
          .send({ slug: slug(), locale: 'en', title: 'x', body: '', translationOfId: ru.id })
          .expect(400)
      ).body.errors[0].field;
      expect(field).toBe('locale');
      await request(t.url)
        .post('/v1/kb/articles')
        .set('Authorization', admin.auth)
        .send({ slug: slug(), locale: 'ru', title: 'x', body: '', translationOfId: source.id })
        .expect(409);
      const list = await request(t.url).get('/v1/kb/articles').query({ translationOfId: source.id }).expect(200);
      expect(ids(list.body.data)).toEqual([ru.id]);

      // Tags change nothing a reader translates; the body does.
      await request(t.url)
        .patch(`/v1/kb/articles/${source.id}`)
        .set('Authorization', admin.auth)
        .send({ tags: ['reports'] })
        .expect(200);
      expect((await get(ru.id).expect(200)).body.outdated).toBe(false);
      await request(t.url)
        .patch(`/v1/kb/articles/${source.id}`)
        .set('Authorization', admin.auth)
        .send({ body: 'Open Reports, choose CSV, then Export.' })
        .expect(200);
      const outdated = (await get(ru.id).expect(200)).body;
      expect(outdated).toMatchObject({ outdated: true, version: ru.version + 1 });
      // Editing the translation brings it up to date.
      const updated = await request(t.url)
        .patch(`/v1/kb/articles/${ru.id}`)
        .set('Authorization', admin.auth)
        .send({ body: 'Откройте Отчёты, выберите CSV, затем Экспорт.' })
        .expect(200);
      expect(updated.body.outdated).toBe(false);
    });
  });

  describe('suggestions, feedback and deflection', () => {
    it('suggests articles for the text of a draft ticket, in its language', async () => {
      const tag = randomUUID().slice(0, 6);
      const en = await article({ title: `Printer shows paper jam ${tag}`, body: 'Open the tray and remove the jammed paper.' });
      const ru = await article({
        locale: 'ru',
        title: `Принтер не печатает ${tag}`,
        body: 'Проверьте, что принтер включён и бумага загружена.',
      });
      const suggest = async (query: Record<string, string>) =>
        (await request(t.url).get('/v1/kb/suggestions').query(query).set('Authorization', customer.auth).expect(200)).body.data as Hit[];
      const enHits = await suggest({ text: `Paper jam again ${tag}\nMy printer jammed twice today and shows an error.` });
      expect(enHits[0].id).toBe(en.id);
      expect(ids(enHits)).not.toContain(ru.id);
      const ruHits = await suggest({ text: `Принтер перестал печатать ${tag}, бумаги нет` });
      expect(ruHits[0].id).toBe(ru.id);
      const mine = await ticket(t, customer, { subject: `Paper jammed ${tag}`, description: 'The printer jam light is on' });
      expect(ids(await suggest({ ticketId: mine.id }))[0]).toBe(en.id);
      const both = await request(t.url)
        .get('/v1/kb/suggestions')
        .query({ text: 'x', ticketId: mine.id })
        .set('Authorization', customer.auth)
        .expect(400);
      expect(both.body.errors[0].field).toBe('text');
      const other = await person(t, 'customer');
      await request(t.url).get('/v1/kb/suggestions').query({ ticketId: mine.id }).set('Authorization', other.auth).expect(404);
    });

    it('counts views and votes: one per signed-in reader, anonymous votes each', async () => {
      const mine = await article({ title: 'Counting votes', body: 'Counted.' });
      await get(mine.id).expect(200);
      await get(mine.id, customer).expect(200);
      await get(mine.id, agent).expect(200); // staff reads are not views
      const vote = (helpful: boolean, as?: Person) => {
        const req = request(t.url).post(`/v1/kb/articles/${mine.id}/feedback`).send({ helpful });
        return (as ? req.set('Authorization', as.auth) : req).expect(201);
      };
      await vote(true, customer);
      await vote(true, customer);
      await vote(false);
      let counts = (await get(mine.id, agent).expect(200)).body;
      expect(counts).toMatchObject({ views: 2, helpfulCount: 1, notHelpfulCount: 1 });
      await vote(false, customer); // changed their mind
      counts = (await get(mine.id, agent).expect(200)).body;
      expect(counts).toMatchObject({ helpfulCount: 0, notHelpfulCount: 2 });
      const draft = await article({ title: 'Unreleased', body: '' }, agent);
      await request(t.url).post(`/v1/kb/articles/${draft.id}/feedback`).send({ helpful: true }).expect(404);
      const bad = await request(t.url).post(`/v1/kb/articles/${mine.id}/feedback`).send({ helpful: 'yes' }).expect(400);
      expect(bad.body.errors[0].field).toBe('helpful');
    });
  });

  describe('agents linking articles', () => {
    it('links articles in a public reply and lists the tickets an article answered', async () => {
      const tierAgent = await person(t, 'agent'); // joins the first line, where new tickets go
      const answer = await article({ title: 'Clearing the cache', body: 'Settings, then Clear cache.' });
      const draft = await article({ title: 'Cache internals', body: '' }, agent);
      const mine = await ticket(t, customer, { subject: 'The page is stale' });
      const reply = (as: Person, body: Record<string, unknown>) =>
        request(t.url)
          .post(`/v1/tickets/${mine.id}/messages`)
          .set('Authorization', as.auth)
          .send({ body: 'See the article', ...body });
      const bad = await reply(tierAgent, { kbArticleIds: [answer.id, draft.id] }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['kbArticleIds[1]']);
      await reply(customer, { kbArticleIds: [answer.id] }).expect(403);
      const sent = await reply(tierAgent, { kbArticleIds: [answer.id] }).expect(201);
      expect(sent.body.kbArticleIds).toEqual([answer.id]);
      await reply(tierAgent, { visibility: 'internal', kbArticleIds: [draft.id] }).expect(201); // notes may link drafts
      const seen = await request(t.url).get(`/v1/tickets/${mine.id}/messages`).set('Authorization', customer.auth).expect(200);
      expect(seen.body.data.map((m: { kbArticleIds: string[] }) => m.kbArticleIds)).toEqual([[answer.id]]);
      const used = await request(t.url).get(`/v1/kb/articles/${answer.id}/tickets`).set('Authorization', tierAgent.auth).expect(200);
      expect(ids(used.body.data)).toEqual([mine.id]);
      await request(t.url).get(`/v1/kb/articles/${answer.id}/tickets`).set('Authorization', customer.auth).expect(403);
      const gql = await request(t.url)
        .post('/graphql')
        .set('Authorization', admin.auth)
        .send({ query: `query($id: ID!) { kbArticleTickets(id: $id) { edges { node { id } } } }`, variables: { id: answer.id } })
        .expect(200);
      expect(gql.body.errors).toBeUndefined();
      expect(gql.body.data.kbArticleTickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([mine.id]);
      // An article that answered tickets is unpublished, not deleted.
      const refused = await request(t.url).delete(`/v1/kb/articles/${answer.id}`).set('Authorization', admin.auth).expect(409);
      expect(refused.body.code).toBe('CONFLICT');
    });
  });

  describe('categories and GraphQL', () => {
    it('nests categories one level and keeps a category with articles', async () => {
      const post = (body: Record<string, unknown>) => request(t.url).post('/v1/kb/categories').set('Authorization', admin.auth).send(body);
      const top = (await post({ name: 'Billing', position: 1 }).expect(201)).body;
      const child = (await post({ name: 'Invoices', parentId: top.id }).expect(201)).body;
      const tooDeep = await post({ name: 'PDF invoices', parentId: child.id }).expect(400);
      expect(tooDeep.body.errors[0].field).toBe('parentId');
      await request(t.url).post('/v1/kb/categories').set('Authorization', agent.auth).send({ name: 'x' }).expect(403);
      const listed = await request(t.url).get('/v1/kb/categories').expect(200);
      expect(ids(listed.body.data)).toEqual(expect.arrayContaining([top.id, child.id]));
      await article({ title: 'Invoice numbers', body: '', categoryId: child.id });
      await request(t.url).delete(`/v1/kb/categories/${child.id}`).set('Authorization', admin.auth).expect(409);
      await request(t.url).delete(`/v1/kb/categories/${top.id}`).set('Authorization', admin.auth).expect(409);
    });

    it('searches as a connection, anonymously, and writes through mutations', async () => {
      const word = `kappa${randomUUID().slice(0, 6)}`;
      const created = await request(t.url)
        .post('/graphql')
        .set('Authorization', admin.auth)
        .send({
          query: `mutation($input: CreateKbArticleInput!) { createKbArticle(input: $input) { id status locale kind } }`,
          variables: {
            input: { slug: slug(), locale: 'en', title: `${word} guide`, body: `All about ${word}.`, kind: 'guide', status: 'published' },
          },
        })
        .expect(200);
      const id = created.body.data.createKbArticle.id;
      expect(created.body.data.createKbArticle).toEqual({ id, status: 'published', locale: 'en', kind: 'guide' });
      const found = await request(t.url)
        .post('/graphql')
        .send({
          query: `query($q: String!) { kbSearch(q: $q, first: 5) { edges { cursor node { id title snippet } } pageInfo { hasNextPage } } }`,
          variables: { q: word },
        })
        .expect(200);
      expect(found.body.data.kbSearch.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);
      expect(found.body.data.kbSearch.edges[0].node.snippet).toContain('<mark>');
      const voted = await request(t.url)
        .post('/graphql')
        .send({ query: `mutation($id: ID!) { kbArticleFeedback(id: $id, input: { helpful: true }) { helpful } }`, variables: { id } })
        .expect(200);
      expect(voted.body.data.kbArticleFeedback).toEqual({ helpful: true });
    });
  });
});

// Its own app: the test moves the app's clock a day on, after which the other tests' tokens would have expired.
describe('Knowledge base deflections (e2e)', () => {
  let t: TestApp;
  let admin: Person;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
  });
  afterAll(() => t.close());

  const article = async (body: Record<string, unknown>) =>
    (
      await request(t.url)
        .post('/v1/kb/articles')
        .set('Authorization', admin.auth)
        .send({ slug: `a-${randomUUID()}`, locale: 'en', status: 'published', ...body })
        .expect(201)
    ).body as Article;
  const get = (id: string, as: Person) => request(t.url).get(`/v1/kb/articles/${id}`).set('Authorization', as.auth);
  const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

  it('counts a deflection when a customer opened a suggested article and filed no ticket within 24 h', async () => {
    const tag = randomUUID().slice(0, 6);
    const helped = await article({ title: `Exporting invoices ${tag}`, body: 'Invoices export from Billing.' });
    const shownOnly = await article({ title: `Invoices explained ${tag}`, body: 'What an invoice holds.' });
    const deflected = await person(t, 'customer');
    const filed = await person(t, 'customer');
    for (const who of [deflected, filed]) {
      const hits = (
        await request(t.url)
          .get('/v1/kb/suggestions')
          .query({ text: `How do I export invoices ${tag}` })
          .set('Authorization', who.auth)
          .expect(200)
      ).body.data;
      expect(ids(hits)).toEqual(expect.arrayContaining([helped.id, shownOnly.id]));
      await get(helped.id, who).expect(200);
    }
    await ticket(t, filed, { subject: 'Still cannot export invoices' });
    // An API key outlives the day the clock moves (the tokens expire with it).
    const key = (await request(t.url).post('/v1/api-keys').set('Authorization', admin.auth).send({ name: 'kb', role: 'admin' }).expect(201))
      .body;
    const deflections = async (id: string) =>
      (await request(t.url).get(`/v1/kb/articles/${id}`).set('Authorization', `Bearer ${key.secret}`).expect(200)).body
        .deflections as number;
    expect(await deflections(helped.id)).toBe(0);
    await t.app.get(Clock).advance(25 * 3_600_000);
    const unsettled = async () =>
      Number((await t.dataSource.query(`SELECT count(*) AS n FROM kb_suggestion WHERE "ticketFiled" IS NULL`))[0].n);
    for (let i = 0; i < 100 && (await unsettled()) > 0; i++) await new Promise((r) => setTimeout(r, 100)); // the jobs' poll
    expect(await unsettled()).toBe(0);
    expect(await deflections(helped.id)).toBe(1);
    expect(await deflections(shownOnly.id)).toBe(0);
  });
});
