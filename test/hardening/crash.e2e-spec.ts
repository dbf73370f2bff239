import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import jwt from 'jsonwebtoken';
import { Webhook } from 'standardwebhooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import { AttachmentsService } from '../../src/attachments/attachments.service';
import { OutboxDispatcher } from '../../src/events/outbox.dispatcher';
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { Receiver, until } from '../support/receiver';
import { cleanEnv, startServer, type ServerProcess } from '../support/server-process';

// What survives a crash at the wrong moment: the compiled server is killed (SIGKILL, from inside, at a named failpoint)
// between two steps of a write, then started again on the same data.
const SECRET = 'crash-test-secret-crash-test-secret-0123456789';
const runDb = process.env.TIERDESK_TEST_DB_URL;
const bearer = (sub: string, role = 'customer') => `Bearer ${jwt.sign({ sub, role }, SECRET, { algorithm: 'HS256', expiresIn: 600 })}`;

describe('Crash recovery (e2e)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const started: ServerProcess[] = [];
  const restarted: INestApplication[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-crash-'));
    env = { ...cleanEnv(), LOG_LEVEL: 'warn', DATA_DIR: dataDir, JWT_SECRET: SECRET, ...(runDb ? { DATABASE_URL: runDb } : {}) };
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
    for (const app of restarted.splice(0)) await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The same data served again, by an app in this process (quicker than a new process; the crash was the point). */
  const restart = async () => {
    const app = await createApp(AppConfig.fromEnv({ ...env, LOG_LEVEL: 'silent', NODE_ENV: 'test' }), { quiet: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address() as { port: number };
    restarted.push(app);
    return { app, base: `http://127.0.0.1:${address.port}` };
  };
  const start = async (failpoints?: string) => {
    const server = await startServer({ ...env, ...(failpoints ? { FAILPOINTS: failpoints } : {}) });
    started.push(server);
    return server;
  };
  const call = (
    server: { base: string },
    method: string,
    path: string,
    auth: string,
    body?: object,
    headers: Record<string, string> = {},
  ) =>
    fetch(server.base + path, {
      method,
      headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body && JSON.stringify(body),
    });
  /** Sends a request the server dies on; resolves once the process is gone. */
  const crashOn = async (server: ServerProcess, request: () => Promise<unknown>) => {
    await request().catch(() => undefined); // the connection drops with the process
    expect(await server.exited).toBe('SIGKILL');
    started.splice(started.indexOf(server), 1);
  };
  const withTier = async (server: ServerProcess) => {
    const admin = bearer(`admin-${randomUUID()}`, 'admin');
    expect((await call(server, 'POST', '/v1/tiers', admin, { name: `L1-${randomUUID()}`, level: 1 })).status).toBe(201);
  };
  /** Rows read straight from the database the server used (on the embedded database, only while nothing else has it open). */
  const query = async <T>(sql: string, params: unknown[]): Promise<T[]> => {
    if (runDb) {
      const client = new Client({ connectionString: runDb });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    }
    const db = await PGlite.create(join(dataDir, 'pg'));
    try {
      return (await db.query<T>(sql, params)).rows;
    } finally {
      await db.close();
    }
  };

  it('a ticket created with an Idempotency-Key, then a crash before the response: the retry replays it, never a second ticket', async () => {
    const server = await start('idempotency.after-commit');
    await withTier(server);
    const customer = bearer(`customer-${randomUUID()}`);
    const subject = `crash-${randomUUID()}`;
    const send = (s: { base: string }) =>
      call(s, 'POST', '/v1/tickets', customer, { subject, description: 'The printer is failing' }, { 'Idempotency-Key': `key-${subject}` });
    await crashOn(server, () => send(server));

    const again = await restart();
    const retry = await send(again);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const list = await (await call(again, 'GET', '/v1/tickets', customer)).json();
    expect(list.data.map((t: { subject: string }) => t.subject)).toEqual([subject]);
    expect((await retry.json()).id).toBe(list.data[0].id);
  });

  it('events of a committed change are published only once delivered: after a crash before delivery they are delivered on restart', async () => {
    const server = await start('outbox.before-deliver');
    await withTier(server);
    const customer = bearer(`customer-${randomUUID()}`);
    const subject = `crash-${randomUUID()}`;
    await crashOn(server, () => call(server, 'POST', '/v1/tickets', customer, { subject, description: 'Nothing comes out' }));
    const unpublished = `SELECT count(*)::int AS n FROM outbox o JOIN ticket_event e ON e.id = o."eventId"
                         JOIN ticket t ON t.id = e."ticketId" WHERE t.subject = $1 AND o."publishedAt" IS NULL`;
    const all = `SELECT count(*)::int AS n FROM outbox o JOIN ticket_event e ON e.id = o."eventId" JOIN ticket t ON t.id = e."ticketId" WHERE t.subject = $1`;
    expect((await query<{ n: number }>(all, [subject]))[0].n).toBeGreaterThan(0); // the change committed
    // On PostgreSQL, marking published and announcing to every replica (NOTIFY) commit together; on the embedded
    // database this process is the only consumer, so nothing may be marked before it has the events.
    if (!runDb) expect((await query<{ n: number }>(unpublished, [subject]))[0].n).toBe((await query<{ n: number }>(all, [subject]))[0].n);

    const again = await restart(); // its dispatcher runs at boot
    await again.app.get(OutboxDispatcher).idle();
    expect((await again.app.get(DataSource).query(unpublished, [subject]))[0].n).toBe(0);
  });

  it('a webhook event committed, then a crash before its delivery: after the restart it is delivered, signed', async () => {
    const receiver = await Receiver.start();
    try {
      env.WEBHOOK_ALLOW_PRIVATE = 'true';
      const server = await start('outbox.before-deliver');
      await withTier(server);
      const admin = bearer(`admin-${randomUUID()}`, 'admin');
      const hook = await (await call(server, 'POST', '/v1/webhooks', admin, { url: receiver.url, events: ['ticket.created'] })).json();
      expect(hook.secret).toMatch(/^whsec_/);
      const customer = bearer(`customer-${randomUUID()}`);
      const subject = `crash-${randomUUID()}`;
      await crashOn(server, () => call(server, 'POST', '/v1/tickets', customer, { subject, description: 'Nothing comes out' }));
      const [row] = await query<{ id: string }>(`SELECT id FROM ticket WHERE subject = $1`, [subject]);
      expect(row).toBeDefined(); // committed
      expect(receiver.requests).toHaveLength(0); // and not delivered

      await restart(); // its dispatcher sweeps the outbox at boot
      const [got] = await until(() => receiver.about(row.id).length > 0 && receiver.about(row.id), 'the delivery after the restart');
      const payload = new Webhook(hook.secret).verify(got.body, got.headers as Record<string, string>);
      expect(payload).toMatchObject({ type: 'ticket.created', data: { ticketId: row.id, sequence: 1 } });
      await new Promise((r) => setTimeout(r, 1000));
      expect(receiver.about(row.id)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('an upload whose bytes are stored, then a crash before its row says so: the sweep removes the pending row and the file', async () => {
    const server = await start('attachments.after-bytes');
    await withTier(server);
    const customer = bearer(`customer-${randomUUID()}`);
    const ticket = await (
      await call(server, 'POST', '/v1/tickets', customer, { subject: `crash-${randomUUID()}`, description: 'd' })
    ).json();
    const form = new FormData();
    form.append('file', new Blob(['line 1\nline 2\n'], { type: 'text/plain' }), 'app.log');
    await crashOn(server, () =>
      fetch(`${server.base}/v1/tickets/${ticket.id}/attachments`, { method: 'POST', headers: { Authorization: customer }, body: form }),
    );
    const [pending] = await query<{ id: string; storageKey: string }>(
      `SELECT id, "storageKey" FROM attachment WHERE "ticketId" = $1 AND status = 'pending'`,
      [ticket.id],
    );
    expect(pending).toBeDefined();
    const files = join(dataDir, 'attachments');
    expect(await storedFiles(files)).toContain(pending.storageKey);

    const again = await restart();
    await again.app.get(AttachmentsService).sweep(new Date(Date.now() + 60_000)); // now rather than at its next hourly run
    expect(await again.app.get(DataSource).query(`SELECT id FROM attachment WHERE id = $1`, [pending.id])).toEqual([]);
    expect(await storedFiles(files)).not.toContain(pending.storageKey);
  });
});

async function storedFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const shards = await readdir(root);
  return (await Promise.all(shards.map((shard) => readdir(join(root, shard))))).flat();
}
