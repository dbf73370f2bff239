import type { Pool } from 'pg';
import request from 'supertest';
import { UsersService } from '../../src/users/users.service';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app';
import { gql, person, type Person } from '../support/world';

// One malformed id once took the embedded default down for everyone: a failed prepared statement made the pool drop
// its only connection, the next connection reached the same embedded session where the statement names were still
// taken (42P05), and authentication turned that into 401 for every caller until restart.
describe('Malformed ids and a failing database (e2e)', () => {
  let t: TestApp;
  let agent: Person;
  beforeAll(async () => {
    t = await createTestApp();
    agent = await person(t, 'agent');
  });
  afterAll(() => t.close());

  const stillServes = async () => {
    const me = await request(t.url).get('/v1/me').set('Authorization', agent.auth);
    expect(me.status).toBe(200);
  };

  it.each(['x', '1', "' OR 1=1 --", '00000000-0000-0000-0000-00000000000g', '😀'])(
    'GraphQL ticket(id: %j) → VALIDATION_FAILED naming id, and the server still answers',
    async (id) => {
      const res = await gql(t, agent, 'query($id: ID!) { ticket(id: $id) { id } }', { id });
      expect(
        res.body.errors.map((e: { extensions: { code: string; errors?: { field: string }[] } }) => [
          e.extensions.code,
          e.extensions.errors?.[0]?.field,
        ]),
      ).toEqual([['VALIDATION_FAILED', 'id']]);
      await stillServes();
    },
  );

  it('an inline malformed id and one inside an input object are refused before they reach SQL', async () => {
    const inline = await gql(t, agent, '{ ticket(id: "x") { id } }');
    expect(inline.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    const nested = await gql(t, agent, 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }', {
      input: { subject: 's', description: 'd', requesterId: 'nope' },
    });
    expect(nested.body.errors[0].extensions).toEqual(
      expect.objectContaining({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'input.requesterId' })] }),
    );
    await stillServes();
  });

  it('REST: a malformed path id → 400 naming the parameter', async () => {
    const res = await request(t.url).get('/v1/tickets/x').set('Authorization', agent.auth);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'id' })] }));
    await stillServes();
  });

  it('prepared statements survive a dropped connection', async () => {
    await stillServes(); // the identity lookup is prepared on the connection now
    // Drop the pool's connection the way pg-pool does after an error: the next one must still run every statement.
    const pool = (t.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    client.release(new Error('dropped by the test'));
    await stillServes();
    await stillServes();
  });

  it('a database failure during authentication is 503 SERVICE_UNAVAILABLE, never 401', async () => {
    const users = t.app.get(UsersService);
    const spy = jest
      .spyOn(users, 'resolveFromClaims')
      .mockRejectedValueOnce(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }));
    try {
      // A token not seen before: one already verified is answered from the in-process cache, without a lookup.
      const unseen = `Bearer ${tokenFor(agent.sub, 'agent', { name: 'Unseen token' })}`;
      const res = await request(t.url).get('/v1/me').set('Authorization', unseen);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBeDefined();
      expect(JSON.stringify(res.body)).not.toContain('ECONNRESET');
    } finally {
      spy.mockRestore();
    }
    await stillServes();
  });
});
