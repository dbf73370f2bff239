import request from 'supertest';
import type { Role } from '../../src/actor/actor';
import { IDEMPOTENT_IN_SERVICE, IDEMPOTENT_RESPONSE } from '../../src/common/idempotency/idempotency.metadata';
import { concretePath, graphqlOperations, restRoutes, type RouteRule } from '../support/routes';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app';

// Deny by default, checked over the app's real route table: a new route or resolver without a rule fails here.
describe('Access rules over every route (e2e)', () => {
  let t: TestApp;
  let rest: RouteRule[];
  beforeAll(async () => {
    t = await createTestApp();
    rest = restRoutes(t.app);
  });
  afterAll(() => t.close());

  it('finds the routes it checks', () => {
    expect(rest.map((r) => r.name)).toEqual(
      expect.arrayContaining(['GET /v1/me', 'POST /v1/api-keys', 'PATCH /v1/users/:id', 'GET /health']),
    );
    expect(graphqlOperations(t.app).map((o) => o.name)).toEqual(expect.arrayContaining(['Query.me', 'Mutation.createApiKey']));
  });

  it('every REST route and GraphQL operation declares @Roles or @Public', () => {
    const unruled = [...rest, ...graphqlOperations(t.app)].filter((r) => !r.isPublic && !r.roles?.length).map((r) => r.name);
    expect(unruled).toEqual([]);
  });

  // Every POST accepts Idempotency-Key (API.md): a route declares how (IdempotencyInterceptor runs only where declared).
  it('every POST route declares @Idempotent or @IdempotentInService', () => {
    const posts = rest.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(5);
    const undeclared = posts
      .filter((r) => !Reflect.getMetadata(IDEMPOTENT_RESPONSE, r.handler!) && !Reflect.getMetadata(IDEMPOTENT_IN_SERVICE, r.handler!))
      .map((r) => r.name);
    expect(undeclared).toEqual([]);
  });

  it.each<Role>(['customer', 'agent'])(
    'every route closed to a %s refuses its credential with 403 before touching anything',
    async (role) => {
      const token = tokenFor(`route-table-${role}`, role);
      const closed = rest.filter((r) => !r.isPublic && !r.roles!.includes(role));
      expect(closed.length).toBeGreaterThan(0);
      const answers = await Promise.all(
        closed.map(async (r) => {
          const method = r.method!.toLowerCase() as 'get';
          const res = await request(t.url)[method](concretePath(r.path!)).set('Authorization', `Bearer ${token}`).send({});
          return `${r.name} → ${res.status} ${res.body.code}`;
        }),
      );
      expect(answers).toEqual(closed.map((r) => `${r.name} → 403 FORBIDDEN`));
    },
  );

  it('every non-public route refuses a request without a credential with 401', async () => {
    const closed = rest.filter((r) => !r.isPublic);
    const answers = await Promise.all(
      closed.map(async (r) => `${r.name} → ${(await request(t.url)[r.method!.toLowerCase() as 'get'](concretePath(r.path!))).status}`),
    );
    expect(answers).toEqual(closed.map((r) => `${r.name} → 401`));
  });

  it.each([
    '{ users { edges { node { id } } } }',
    '{ apiKeys { edges { node { id } } } }',
    'mutation { revokeApiKey(id: "0190a0d6-0000-7000-8000-000000000000") { id } }',
  ])('admin-only GraphQL %s refuses an agent with FORBIDDEN', async (query) => {
    const res = await request(t.url)
      .post('/graphql')
      .set('Authorization', `Bearer ${tokenFor('route-table-gql-agent', 'agent')}`)
      .send({ query });
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });
});
