import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { dovecotAvailable, startDovecot, type Dovecot } from '../support/dovecot';
import { log, png } from '../support/files';
import { deliver, until } from '../support/mail';
import { cleanEnv, startServer, type ServerProcess } from '../support/server-process';

// kill -9 in the middle of an import (attachments stored, the ticket's transaction written but not committed): after a
// restart every message is imported exactly once, with its files once.
const SECRET = 'crash-test-secret-crash-test-secret-0123456789';
const SUPPORT = 'support@example.test';
const runDb = process.env.TIERDESK_TEST_DB_URL;
const admin = `Bearer ${jwt.sign({ sub: `admin-${randomUUID()}`, role: 'admin' }, SECRET, { algorithm: 'HS256', expiresIn: 600 })}`;
const run = dovecotAvailable() ? describe : describe.skip;

run('E-mail import crash recovery (e2e)', () => {
  let dovecot: Dovecot;
  let dataDir: string;
  let server: ServerProcess | null = null;
  let app: Awaited<ReturnType<typeof createApp>> | null = null;
  beforeAll(async () => {
    dovecot = await startDovecot({ [SUPPORT]: 'secret' });
    dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-mail-crash-'));
  });
  afterAll(async () => {
    await server?.stop();
    await app?.close();
    await dovecot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a crash before the import commits: after the restart each message becomes exactly one ticket with its files once', async () => {
    const env = {
      ...cleanEnv(),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      JWT_SECRET: SECRET,
      ENCRYPTION_KEY: 'b'.repeat(64),
      ...(runDb ? { DATABASE_URL: runDb } : {}),
    };
    const tag = randomUUID().slice(0, 8);
    const ids = [1, 2, 3].map((n) => `${n}-${randomUUID()}@client.example.org`);
    for (const [n, messageId] of ids.entries())
      await deliver(dovecot.lmtpPort, SUPPORT, {
        from: `user${n}.${tag}@example.org`,
        messageId: `<${messageId}>`,
        subject: `crash-${tag}-${n}`,
        text: `Message ${n}`,
        attachments: [
          { filename: 'shot.png', content: png(10, 10) },
          { filename: 'app.log', content: log(500) },
        ],
      });
    server = await startServer({ ...env, FAILPOINTS: 'email.before-import-commit' });
    const call = (base: string, method: string, path: string, body?: object) =>
      fetch(base + path, {
        method,
        headers: { Authorization: admin, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body && JSON.stringify(body),
      });
    const created = await call(server.base, 'POST', '/v1/mailboxes', {
      address: SUPPORT,
      name: 'Support',
      inbound: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, secure: false, username: SUPPORT, password: 'secret' },
    });
    expect(created.status).toBe(201);
    const mailboxId = ((await created.json()) as { id: string }).id;
    await call(server.base, 'POST', `/v1/mailboxes/${mailboxId}/check`).catch(() => undefined);
    expect(await server.exited).toBe('SIGKILL'); // died at the first import, its transaction uncommitted
    server = null;

    app = await createApp(AppConfig.fromEnv({ ...env, LOG_LEVEL: 'silent', NODE_ENV: 'test' }), { quiet: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const entries = await until(
      async () => {
        const res = await call(base, 'GET', `/v1/mailboxes/${mailboxId}/messages?limit=100`);
        const data = ((await res.json()) as { data: { messageId: string; outcome: string; ticketId: string }[] }).data;
        return data.length >= 3 ? data : null;
      },
      40_000,
      'the imports after the restart',
    );
    expect(entries.map((e) => e.messageId).sort()).toEqual([...ids].sort());
    expect(entries.every((e) => e.outcome === 'ticket_created')).toBe(true);
    await call(base, 'POST', `/v1/mailboxes/${mailboxId}/check`);
    await new Promise((r) => setTimeout(r, 2000)); // a second check and any stale job of the killed server: nothing more
    for (const n of [0, 1, 2]) {
      const list = (await (await call(base, 'GET', `/v1/tickets?q=crash-${tag}-${n}&limit=100`)).json()) as {
        data: { id: string; subject: string }[];
      };
      const mine = list.data.filter((t) => t.subject === `crash-${tag}-${n}`);
      expect(mine).toHaveLength(1);
      const files = (await (await call(base, 'GET', `/v1/tickets/${mine[0].id}/attachments?limit=100`)).json()) as {
        data: { filename: string }[];
      };
      expect(files.data.map((f) => f.filename).sort()).toEqual(['app.log', 'message.eml', 'shot.png']);
    }
    const log_ = (await (await call(base, 'GET', `/v1/mailboxes/${mailboxId}/messages?limit=100`)).json()) as { data: unknown[] };
    expect(log_.data).toHaveLength(3);
  });
});
