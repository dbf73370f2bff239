// Webhook delivery under a burst: 1,000 tickets created as fast as the API takes them (each commits one ticket.created
// event), every event subscribed by one webhook pointing at a local receiver. Reports commit-to-first-attempt latency
// (the event's timestamp, stamped in the committing transaction, to the moment the receiver gets the request) as
// p50/p95/p99. Goal: p95 ≤ 5 s.
// Usage: npm run bench:webhooks   (DATABASE_URL: a server where a scratch database may be created; unset → embedded)
// Knobs: WH_EVENTS (1000), WH_CONCURRENCY (32), KEEP_DB=1 keeps the scratch database.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';

const EVENTS = Number(process.env.WH_EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.WH_CONCURRENCY ?? 32);
const KEEP = process.env.KEEP_DB === '1';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const SERVER = process.env.DATABASE_URL;
const DB = `tierdesk_bench_webhooks_${Date.now()}`;
const log = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

async function admin(sql) {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function startApi(env) {
  const child = spawn(process.execPath, ['--max-semi-space-size=32', 'dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const check = () => {
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) return resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output });
      if (Date.now() > deadline || child.exitCode !== null) return reject(new Error(`the API did not start:\n${output}`));
      setTimeout(check, 100);
    };
    check();
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bench-webhooks-'));
  let dbUrl;
  if (SERVER) {
    const url = new URL(SERVER);
    url.pathname = `/${DB}`;
    dbUrl = url.toString();
    await admin(`CREATE DATABASE ${DB}`);
  }
  // The receiver: records when each first attempt arrives, and checks every signature.
  const firstSeen = new Map();
  let requests = 0;
  let badSignatures = 0;
  let wh;
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      requests++;
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        wh?.verify(body, req.headers);
      } catch {
        badSignatures++;
      }
      const id = req.headers['webhook-id'];
      if (!firstSeen.has(id)) firstSeen.set(id, { at, eventAt: Date.parse(JSON.parse(body).timestamp) });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    JWT_SECRET: SECRET,
    RATE_LIMIT_PER_MINUTE: '1000000',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
  };
  log(`starting the API on ${dbUrl ? 'PostgreSQL' : 'the embedded database'}`);
  const api = await startApi(env);
  const auth = (sub, role) => `Bearer ${jwt.sign({ sub, role }, SECRET, { algorithm: 'HS256', expiresIn: 3600 })}`;
  const adminAuth = auth('bench-admin', 'admin');
  const post = async (path, body, authz = adminAuth) => {
    const res = await fetch(api.base + path, {
      method: 'POST',
      headers: { Authorization: authz, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  try {
    await post('/v1/tiers', { name: 'L1', level: 1 });
    const hook = await post('/v1/webhooks', { url: receiverUrl, events: ['ticket.created'] });
    wh = new Webhook(hook.secret);
    const customers = Array.from({ length: CONCURRENCY }, (_, i) => auth(`bench-customer-${i}`, 'customer'));
    for (const c of customers) await fetch(`${api.base}/v1/me`, { headers: { Authorization: c } }); // users exist before the burst

    log(`burst: ${EVENTS} tickets, ${CONCURRENCY} in flight`);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      customers.map(async (c) => {
        while (next < EVENTS) {
          next++;
          await post('/v1/tickets', { subject: 'Burst', description: 'A ticket of the burst' }, c);
        }
      }),
    );
    const burstMs = Date.now() - started;
    log(`burst committed in ${(burstMs / 1000).toFixed(1)} s (${Math.round((EVENTS / burstMs) * 1000)} tickets/s); waiting for deliveries`);
    const deadline = Date.now() + 120_000;
    while (firstSeen.size < EVENTS && Date.now() < deadline) await sleep(100);
    const latencies = [...firstSeen.values()].map((s) => s.at - s.eventAt).sort((a, b) => a - b);
    const lastAt = Math.max(...[...firstSeen.values()].map((s) => s.at));
    const result = {
      database: dbUrl ? 'postgres' : 'embedded',
      events: EVENTS,
      delivered: firstSeen.size,
      requests,
      badSignatures,
      burstSeconds: +(burstMs / 1000).toFixed(2),
      allDeliveredSeconds: +((lastAt - started) / 1000).toFixed(2),
      commitToFirstAttemptMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.at(-1),
      },
      goalP95Ms: 5000,
    };
    console.log(JSON.stringify(result, null, 2));
    if (firstSeen.size < EVENTS) process.exitCode = 1;
  } finally {
    api.child.kill('SIGTERM');
    await new Promise((r) => api.child.once('exit', r));
    receiver.close();
    if (SERVER && !KEEP) await admin(`DROP DATABASE IF EXISTS ${DB}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
