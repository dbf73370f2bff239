// E-mail import at scale: 10,000 messages waiting in a real IMAP mailbox (a private Dovecot, the messages written straight
// into its Maildir), the built API on a scratch PostgreSQL database, one "check now", and the clock runs until every
// message is imported (a ticket each; every 10th carries a PNG and a log). Reports messages/s for the whole run and for
// the two halves (receiving: IMAP → stored rows; importing: rows → tickets), and the server's RSS (peak: VmHWM).
// Needs root (Dovecot runs as its own user) and /usr/sbin/dovecot (apt-get install dovecot-imapd dovecot-lmtpd).
// Usage: npm run bench:email   (DATABASE_URL: a server where a scratch database may be created; KEEP_DB=1 keeps it)
// Knobs: MAIL_MESSAGES (10000), MAIL_SENDERS (500).
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { deflateSync, crc32 } from 'node:zlib';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MESSAGES = Number(process.env.MAIL_MESSAGES ?? 10_000);
const SENDERS = Number(process.env.MAIL_SENDERS ?? 500);
const KEEP = process.env.KEEP_DB === '1';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const SUPPORT = 'support@example.test';
const DB = `tierdesk_bench_email_${Date.now()}`;
const url = new URL(SERVER);
url.pathname = `/${DB}`;

const log = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const admin = async (sql) => {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
};
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const portOpen = (port) =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
const rss = (pid, field) =>
  Number(
    /(\d+) kB/.exec(
      readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(field)) ?? '',
    )?.[1] ?? 0,
  ) * 1024;

function png(size) {
  const be32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    return Buffer.concat([be32(data.length), body, be32(crc32(body))]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = Buffer.concat(
    Array.from({ length: size }, (_, y) => Buffer.from([0, ...Array.from({ length: size * 3 }, (_, x) => (x * y) % 256)])),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = png(64)
  .toString('base64')
  .replace(/(.{76})/g, '$1\r\n');
const LOG = Buffer.from(
  Array.from(
    { length: 40 },
    (_, i) => `2026-12-01T10:00:${String(i % 60).padStart(2, '0')}Z ERROR worker-${i % 4} request ${i} failed: connection reset\n`,
  ).join(''),
)
  .toString('base64')
  .replace(/(.{76})/g, '$1\r\n');

function message(n) {
  const from = `customer${n % SENDERS}@example.org`;
  const headers = [
    `From: Customer ${n % SENDERS} <${from}>`,
    `To: ${SUPPORT}`,
    `Subject: Bench request ${n}: the printer on floor ${n % 9} fails`,
    `Message-ID: <bench-${n}@client.example.org>`,
    `Date: ${new Date(Date.UTC(2026, 11, 1, 10, 0, n % 60)).toUTCString()}`,
    'MIME-Version: 1.0',
  ];
  const text = `Hello,\r\n\r\nRequest ${n}: since this morning the printer shows error ${n % 97} and prints nothing.\r\nWe restarted it twice.\r\n\r\n-- \r\nCustomer ${n % SENDERS}\r\nACME Corp\r\n`;
  if (n % 10 !== 0) return [...headers, 'Content-Type: text/plain; charset=utf-8', '', text].join('\r\n');
  const b = `b-${n}`;
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${b}`,
    'Content-Type: image/png; name="screen.png"',
    'Content-Disposition: attachment; filename="screen.png"',
    'Content-Transfer-Encoding: base64',
    '',
    PNG,
    `--${b}`,
    'Content-Type: text/plain; name="printer.log"',
    'Content-Disposition: attachment; filename="printer.log"',
    'Content-Transfer-Encoding: base64',
    '',
    LOG,
    `--${b}--`,
    '',
  ].join('\r\n');
}

// --- Dovecot, private, with the messages written into its Maildir ---
const dir = mkdtempSync('/tmp/dvb-');
chmodSync(dir, 0o755);
const [imapPort, lmtpPort, apiPort] = [await freePort(), await freePort(), await freePort()];
for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
writeFileSync(join(dir, 'passwd'), `${SUPPORT}:{PLAIN}secret\n`);
writeFileSync(
  join(dir, 'dovecot.conf'),
  `base_dir = ${dir}/run\nstate_dir = ${dir}/state\nlog_path = ${dir}/dovecot.log\nprotocols = imap lmtp\nlisten = 127.0.0.1\nssl = no\n` +
    `disable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 1\n` +
    `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${dir}/passwd\n}\n` +
    `userdb {\n  driver = static\n  args = uid=dovecot gid=dovecot home=${dir}/home/%u\n}\nmail_location = maildir:~/Maildir\n` +
    `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}\n` +
    `service lmtp {\n  inet_listener lmtp {\n    address = 127.0.0.1\n    port = ${lmtpPort}\n  }\n}\n`,
);
const uid = Number(execFileSync('id', ['-u', 'dovecot']));
const gid = Number(execFileSync('id', ['-g', 'dovecot']));
const maildir = join(dir, 'home', SUPPORT, 'Maildir');
for (const sub of ['', 'new', 'cur', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
for (const p of [join(dir, 'home'), join(dir, 'home', SUPPORT), maildir, ...['new', 'cur', 'tmp'].map((s) => join(maildir, s))])
  chownSync(p, uid, gid);
log(`writing ${MESSAGES.toLocaleString('en')} messages into the Maildir`);
let bytes = 0;
for (let n = 1; n <= MESSAGES; n++) {
  const file = join(maildir, 'new', `${1764583200 + n}.M${n}P1.bench`);
  const body = message(n);
  bytes += body.length;
  writeFileSync(file, body);
  chownSync(file, uid, gid);
}
const dovecot = spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
for (let i = 0; !(await portOpen(imapPort)); i++) {
  if (i > 100) throw new Error('Dovecot did not start');
  await sleep(100);
}

// --- the API on a scratch database ---
await admin(`CREATE DATABASE "${DB}"`);
const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bench-email-'));
const server = spawn(process.execPath, ['--max-semi-space-size=32', 'dist/src/main.js'], {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: url.toString(),
    JWT_SECRET: SECRET,
    ENCRYPTION_KEY: 'c'.repeat(64),
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '100000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const token = jwt.sign({ role: 'admin' }, SECRET, { algorithm: 'HS256', subject: 'bench-admin', expiresIn: 3600 });
const call = async (method, path, body) => {
  const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body && JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const db = new pg.Client({ connectionString: url.toString() });
try {
  for (let i = 0; !(await fetch(`http://127.0.0.1:${apiPort}/ready`).catch(() => null))?.ok; i++) {
    if (i > 200) throw new Error('server did not become ready');
    await sleep(250);
  }
  await db.connect();
  const box = await call('POST', '/v1/mailboxes', {
    address: SUPPORT,
    name: 'Support',
    inbound: { protocol: 'imap', host: '127.0.0.1', port: imapPort, secure: false, username: SUPPORT, password: 'secret' },
  });
  const before = rss(server.pid, 'VmRSS');
  let peakSampled = before;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, rss(server.pid, 'VmRSS'))), 100);
  const started = Date.now();
  await call('POST', `/v1/mailboxes/${box.id}/check`);
  let receivedAt = 0;
  for (;;) {
    const {
      rows: [c],
    } = await db.query(`SELECT count(*)::int AS stored, count(*) FILTER (WHERE status <> 'received')::int AS done FROM email_message`);
    if (!receivedAt && c.stored >= MESSAGES) receivedAt = Date.now();
    process.stderr.write(
      `\r  stored ${c.stored}/${MESSAGES}, imported ${c.done}/${MESSAGES} (${((Date.now() - started) / 1000).toFixed(0)} s)   `,
    );
    if (c.done >= MESSAGES) break;
    await sleep(500);
  }
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const hwm = rss(server.pid, 'VmHWM');
  const {
    rows: [r],
  } = await db.query(
    `SELECT (SELECT count(*) FROM ticket WHERE channel = 'email')::int AS tickets, (SELECT count(*) FROM attachment)::int AS files,
            (SELECT count(*) FROM email_message WHERE status = 'ticket_created')::int AS created, (SELECT count(*) FROM user_account WHERE "externalId" LIKE 'email:%')::int AS senders`,
  );
  const receiving = (receivedAt - started) / 1000;
  console.log(`\n\n| measure | value |\n|---|---|
| messages | ${MESSAGES.toLocaleString('en')} (${(bytes / 2 ** 20).toFixed(1)} MiB; every 10th with a PNG and a log), ${SENDERS} senders, one IMAP check |
| whole run (check → all imported) | ${seconds.toFixed(1)} s, **${(MESSAGES / seconds).toFixed(0)} messages/s** |
| receiving (IMAP → stored rows + jobs) | ${receiving.toFixed(1)} s, ${(MESSAGES / receiving).toFixed(0)} messages/s |
| importing (rows → tickets), after the last was stored | ${(seconds - receiving).toFixed(1)} s |
| result | ${r.tickets.toLocaleString('en')} email tickets, ${r.created.toLocaleString('en')} logged ticket_created, ${r.files.toLocaleString('en')} attachments, ${r.senders} requesters created |
| server RSS before the check | ${(before / 2 ** 20).toFixed(0)} MiB |
| server RSS, peak sampled during the run | ${(peakSampled / 2 ** 20).toFixed(0)} MiB |
| server VmHWM (peak RSS of the process) | ${(hwm / 2 ** 20).toFixed(0)} MiB |`);
  process.exitCode = r.created === MESSAGES ? 0 : 1;
} finally {
  await db.end().catch(() => undefined);
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  dovecot.kill('SIGTERM');
  if (!KEEP) await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
