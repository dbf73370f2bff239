import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, MAIN, startServer } from './support/server-process';
import { createRunDatabase, dropRunDatabase, testServerUrl } from './support/test-db';

// The compiled server as a newcomer runs it (`npm test` builds first): configuration errors, the embedded default,
// the printed first call, and graceful shutdown on SIGTERM.
const TOKEN = join(__dirname, '..', 'dist', 'scripts', 'token.js');

describe('Server process (e2e)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-proc-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT="abc" is invalid: expected .*integer/],
    [{ DATABASE_URL: 'mysql://db/x' }, /^Invalid configuration: DATABASE_URL=.* is invalid: expected a postgres:\/\/ connection URL/],
    [{ NODE_ENV: 'production' }, /^Invalid configuration: JWT_SECRET is missing/],
    [{ JWT_SECRET: 'short-secret-value' }, /^Invalid configuration: JWT_SECRET=\(hidden\) is invalid/],
  ])('bad configuration %j stops start-up with one clear line and exit code 1', (env, line) => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...cleanEnv(), DATA_DIR: dataDir, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(result.stderr).not.toContain('short-secret-value');
  });

  it('starts on the embedded database, prints the first call, serves /ready and a minted token, and stops on SIGTERM', async () => {
    const server = await startServer({ ...cleanEnv(), DATA_DIR: dataDir });
    try {
      expect(server.output()).toContain(`Tierdesk is listening on http://localhost:${server.port}`);
      expect(server.output()).toContain('npm run -s token -- --role admin');
      expect((await fetch(`${server.base}/ready`)).status).toBe(200);
      const token = spawnSync(process.execPath, [TOKEN, '--role', 'agent', '--sub', 'newcomer'], {
        env: { ...cleanEnv(), DATA_DIR: dataDir },
        encoding: 'utf8',
      }).stdout.trim();
      const me = await fetch(`${server.base}/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ externalId: 'newcomer', role: 'agent' });
      const missing = await fetch(`${server.base}/v1/tickets/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'trace-404' },
      });
      expect(missing.status).toBe(404);

      // One JSON line per request with the id the caller got back; probes unlogged; the credential never written.
      // The line is written once the response has gone out, so it may arrive just after the client has read it.
      const requestLines = () =>
        server
          .output()
          .split('\n')
          .filter((l) => l.includes('"request completed"'))
          .map((l) => JSON.parse(l));
      for (let i = 0; i < 50 && requestLines().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(requestLines()).toEqual([
        expect.objectContaining({
          level: 30,
          req: expect.objectContaining({ id: me.headers.get('x-request-id'), method: 'GET', url: '/v1/me' }),
          res: { statusCode: 200 },
          responseTime: expect.any(Number),
        }),
        expect.objectContaining({ level: 40, req: expect.objectContaining({ id: 'trace-404' }), res: { statusCode: 404 } }),
      ]);
      expect(server.output()).not.toContain(token);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toContain('Shutdown complete');
  });

  const runDb = process.env.TIERDESK_TEST_DB_URL;

  // The first hour: nothing set up, a customer files a ticket and an agent answers it.
  const firstHour = async (server: { base: string }, env: Record<string, string>) => {
    const token = (...args: string[]) => spawnSync(process.execPath, [TOKEN, ...args], { env, encoding: 'utf8' }).stdout.trim();
    const customer = {
      Authorization: `Bearer ${token('--role', 'customer', '--sub', 'ann', '--name', 'Ann')}`,
      'Content-Type': 'application/json',
    };
    const agent = { Authorization: `Bearer ${token('--role', 'agent', '--sub', 'bob')}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${server.base}/v1/tickets`, {
      method: 'POST',
      headers: customer,
      body: JSON.stringify({ subject: 'Printer is failing', description: 'Nothing comes out' }),
    });
    expect(created.status).toBe(201);
    const ticket = await created.json();
    const tiers = await (await fetch(`${server.base}/v1/tiers`, { headers: agent })).json();
    expect(tiers.data).toEqual([expect.objectContaining({ id: ticket.tierId, name: 'First line', level: 1, assignment: 'manual' })]);
    expect((await (await fetch(`${server.base}/v1/me`, { headers: agent })).json()).tierIds).toEqual([ticket.tierId]);
    // The agent signs in for the first time and joins the first line: the ticket is theirs to answer.
    const reply = await fetch(`${server.base}/v1/tickets/${ticket.id}/messages`, {
      method: 'POST',
      headers: agent,
      body: JSON.stringify({ body: 'Which model?' }),
    });
    expect(reply.status).toBe(201);
    const seen = await (await fetch(`${server.base}/v1/tickets/${ticket.id}`, { headers: customer })).json();
    expect(seen).toMatchObject({ status: 'open', sla: expect.any(Object) });
  };

  // (The PostgreSQL run checks its own fresh database below.)
  (runDb ? it.skip : it)(
    'on a fresh embedded database, a customer files a ticket with nothing set up, and an agent of the first line answers',
    async () => {
      const env = { ...cleanEnv(), DATA_DIR: dataDir };
      const server = await startServer(env);
      try {
        await firstHour(server, env);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    },
  );

  (runDb ? it : it.skip)(
    'on a fresh PostgreSQL database, a customer files a ticket with nothing set up, and an agent of the first line answers',
    async () => {
      const serverUrl = testServerUrl()!;
      const fresh = await createRunDatabase(serverUrl);
      const env = { ...cleanEnv(), DATA_DIR: dataDir, DATABASE_URL: fresh.url, JWT_SECRET: 'f'.repeat(40) };
      try {
        const server = await startServer(env);
        try {
          await firstHour(server, env);
        } finally {
          expect(await server.stop()).toBe(0);
        }
      } finally {
        await dropRunDatabase(serverUrl, fresh.name);
      }
    },
  );

  (runDb ? it : it.skip)('starts on PostgreSQL with DATABASE_URL and reports ready', async () => {
    const server = await startServer({ ...cleanEnv(), DATA_DIR: dataDir, DATABASE_URL: runDb!, JWT_SECRET: 'p'.repeat(40) });
    try {
      expect(server.output()).toContain('PostgreSQL (DATABASE_URL)');
      expect(await (await fetch(`${server.base}/ready`)).json()).toEqual({ status: 'ready', database: 'up', migrations: 'applied' });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
