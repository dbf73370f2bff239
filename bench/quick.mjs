// Quick throughput check of the ticket hot paths on a real PostgreSQL: create, get by id, list (agent queue).
// Usage: npm run bench:quick   (DATABASE_URL of a server where a scratch database may be created; default local)
// Starts the built API on a fresh database, seeds a tier, an agent, a customer and 2,000 tickets through the API,
// then drives each scenario with autocannon (32 connections, 5 s warm-up, 10 s measured) and prints a table.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const PORT = 3777;
const BASE = `http://127.0.0.1:${PORT}`;
const DB = `tierdesk_bench_${Date.now()}`;
const token = (sub, role) => jwt.sign({ role }, SECRET, { algorithm: 'HS256', subject: sub, expiresIn: 3600 });

async function admin(sql) {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try { await client.query(sql); } finally { await client.end(); }
}

async function call(method, path, auth, body) {
  const headers = { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(BASE + path, { method, headers, body: body && JSON.stringify(body) });
  if (!res.ok && res.status !== 204) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

function run(title, options) {
  return new Promise((resolve, reject) => {
    const { path = '/', ...rest } = options; // autocannon takes the path as part of the url
    autocannon({ connections: 32, duration: 10, ...rest, url: BASE + path }, (error, result) => (error ? reject(error) : resolve({ title, result })));
  });
}

const url = new URL(SERVER);
url.pathname = `/${DB}`;
await admin(`CREATE DATABASE "${DB}"`);
const server = spawn(process.execPath, ['dist/src/main.js'], {
  env: { ...process.env, DATABASE_URL: url.toString(), JWT_SECRET: SECRET, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', DATABASE_POOL_MAX: '20' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    if ((await fetch(`${BASE}/ready`).catch(() => null))?.ok) break;
    if (i > 120) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 250));
  }
  const adminToken = token('bench-admin', 'admin');
  const agentToken = token('bench-agent', 'agent');
  const customerToken = token('bench-customer', 'customer');
  const agent = await call('GET', '/v1/me', agentToken);
  await call('GET', '/v1/me', customerToken);
  const tier = await call('POST', '/v1/tiers', adminToken, { name: 'First line', level: 1 });
  await call('PUT', `/v1/tiers/${tier.id}/members/${agent.id}`, adminToken);
  const ids = [];
  for (let i = 0; i < 2000; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => call('POST', '/v1/tickets', customerToken, { subject: `Seed ticket ${i + j}`, description: 'Printer is failing again' })));
    ids.push(...batch.map((t) => t.id));
  }
  const auth = (t) => ({ authorization: `Bearer ${t}` });
  const json = (t) => ({ ...auth(t), 'content-type': 'application/json' });
  const scenarios = [
    ['create ticket (Idempotency-Key)', { method: 'POST', path: '/v1/tickets', headers: json(customerToken), requests: [{ setupRequest: (r) => ({ ...r, headers: { ...r.headers, 'idempotency-key': randomUUID() }, body: JSON.stringify({ subject: 'Load test', description: 'created under load' }) }) }] }],
    ['get ticket by id (agent)', { headers: auth(agentToken), requests: [{ setupRequest: (r) => ({ ...r, method: 'GET', path: `/v1/tickets/${ids[Math.floor(Math.random() * ids.length)]}` }) }] }],
    ['agent queue: list 25, tier + status, sort slaDueAt', { path: `/v1/tickets?tierId=${tier.id}&status=new,open&sort=slaDueAt&limit=25`, headers: auth(agentToken) }],
  ];
  const rows = [];
  for (const [title, options] of scenarios) {
    await run(title, { ...options, duration: 5 }); // warm-up
    const { result } = await run(title, options);
    rows.push(`| ${title} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} |`);
    if (result.non2xx) console.error(`${title}: status codes`, JSON.stringify(result.statusCodeStats));
  }
  console.log('\n| scenario | req/s | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|---|\n' + rows.join('\n'));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
}
