// The benchmark suite: `npm run bench` (all scenarios) or `npm run bench -- get-by-id queue` (some).
// Against a real PostgreSQL (DATABASE_URL, default the local one): seeds or reuses the 1M-ticket data set (seed.mjs),
// starts the built API and the bare reference server (reference/main.ts) on it, drives each scenario with autocannon
// (32 connections; warm-up, then 3 measured runs, medians; against the reference, runs taken turn about) and prints one markdown table. Raw figures go to
// bench/results/<time>.json. Rows written by the write scenarios are deleted at the end, so the data set stays as seeded.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { encodeCursor } from '../dist/src/common/pagination/cursor.js';
import { ensureSeed } from './seed.mjs';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const API = { name: 'Tierdesk', port: 3777, script: 'dist/src/main.js' };
const REFERENCE = { name: 'reference', port: 3778, script: 'dist/bench/reference/main.js' };
// Node's flags for both servers: the ones `npm start` and the image run the API with (package.json, docker/Dockerfile).
const NODE_FLAGS = ['--max-semi-space-size=32'];

const token = (sub, role) => jwt.sign({ role }, SECRET, { algorithm: 'HS256', subject: sub, expiresIn: 24 * 3600 });
const bearer = (t) => ({ authorization: `Bearer ${t}` });
const jsonBearer = (t) => ({ ...bearer(t), 'content-type': 'application/json' });
const any = (items) => items[Math.floor(Math.random() * items.length)];

/** What the scenarios need from the data set: tiers, people, ticket ids, the cursor 900,000 tickets deep. */
async function loadFixtures(db) {
  const one = async (sql, params) => (await db.query(sql, params)).rows[0];
  const firstLine = await one(`SELECT id FROM tier WHERE level = 1`);
  const agent = await one(
    `SELECT u.id, u."externalId" FROM user_account u JOIN tier_member m ON m."userId" = u.id WHERE m."tierId" = $1 ORDER BY u."externalId" LIMIT 1`,
    [firstLine.id],
  );
  const sample = async (where) =>
    (await db.query(`SELECT id FROM ticket WHERE "tierId" = $1 AND ${where} ORDER BY random() LIMIT 5000`, [firstLine.id])).rows.map(
      (r) => r.id,
    );
  const customers = (await db.query(`SELECT "externalId" FROM user_account WHERE role = 'customer' ORDER BY random() LIMIT 200`)).rows.map(
    (r) => r.externalId,
  );
  const deep = await one(`SELECT "createdAt", id FROM ticket ORDER BY "createdAt" DESC, id DESC OFFSET 899999 LIMIT 1`);
  return {
    tierId: firstLine.id,
    agentToken: token(agent.externalId, 'agent'),
    adminToken: token('bench-admin', 'admin'),
    customerTokens: customers.map((c) => token(c, 'customer')),
    ticketIds: await sample('true'),
    openTicketIds: await sample(`status = 'open'`),
    deepCursor: encodeCursor([deep.createdAt.toISOString(), deep.id]),
  };
}

// 40 tickets with 5 messages each: what the default GRAPHQL_MAX_COST (20,000) admits; 50 are refused with 400.
const GRAPHQL_PAGE = `query($tierId: ID!) { tickets(first: 40, filter: { tierId: $tierId, sort: "-createdAt" }) {
  edges { node { id number subject status requester { id name } assignee { id name } tier { id name } messages(first: 5) { edges { node { id body visibility } } } } }
  pageInfo { hasNextPage endCursor } } }`;

/** Each scenario, reads first (the tickets writes add would sit at the top of every recency-ordered read): requests (autocannon `requests`, or a path), the reference's equivalent if it has one, and its target. */
function scenarios(f) {
  const queue = `/v1/tickets?tierId=${f.tierId}&status=new,open&sort=slaDueAt&limit=25`;
  const getById = {
    headers: bearer(f.agentToken),
    requests: [{ setupRequest: (r) => ({ ...r, method: 'GET', path: `/v1/tickets/${any(f.ticketIds)}` }) }],
  };
  const create = (r) => ({
    ...r,
    method: 'POST',
    path: '/v1/tickets',
    headers: { ...jsonBearer(any(f.customerTokens)), 'idempotency-key': randomUUID() },
    body: JSON.stringify({ subject: 'Cannot export the report', description: 'Export to CSV fails with error 500 since this morning.' }),
  });
  const addMessage = (r) => ({
    ...r,
    method: 'POST',
    path: `/v1/tickets/${any(f.openTicketIds)}/messages`,
    headers: { ...jsonBearer(f.agentToken), 'idempotency-key': randomUUID() },
    body: JSON.stringify({ body: 'Thanks, we are looking into it and will be back within the hour.' }),
  });
  const search = (q) => ({ path: `/v1/tickets?q=${encodeURIComponent(q)}&limit=25`, headers: bearer(f.agentToken) });
  const graphql = (r) => ({
    ...r,
    method: 'POST',
    path: '/graphql',
    headers: jsonBearer(f.agentToken),
    body: JSON.stringify({ query: GRAPHQL_PAGE, variables: { tierId: f.tierId } }),
  });
  // A support day: 80 % reads, 20 % writes, over the same people and tickets.
  const day = [
    [35, (r) => ({ ...r, method: 'GET', path: `/v1/tickets/${any(f.ticketIds)}`, headers: bearer(f.agentToken) })],
    [20, (r) => ({ ...r, method: 'GET', path: queue, headers: bearer(f.agentToken) })],
    [15, (r) => ({ ...r, method: 'GET', path: `/v1/tickets/${any(f.ticketIds)}/messages`, headers: bearer(f.agentToken) })],
    [
      10,
      (r) => ({
        ...r,
        method: 'GET',
        path: `/v1/tickets?q=${encodeURIComponent(any(['printer', 'принтер', 'kerberos', 'ERR-4242']))}&limit=25`,
        headers: bearer(f.agentToken),
      }),
    ],
    [10, create],
    [10, addMessage],
  ];
  const mixed = (r) => {
    let roll = Math.random() * 100;
    for (const [weight, make] of day) if ((roll -= weight) < 0) return make(r);
    return day[0][1](r);
  };
  return [
    { name: 'get-by-id', title: 'get ticket by id (agent)', options: getById, reference: true, target: { ratio: 0.8, p99: 25 } },
    {
      name: 'queue',
      title: 'agent queue: 25, tier + status, sort slaDueAt',
      options: { path: queue, headers: bearer(f.agentToken) },
      reference: true,
      target: { ratio: 0.8 },
    },
    {
      name: 'page-1',
      title: 'cursor page 1 (admin, 25, -createdAt)',
      options: { path: '/v1/tickets?limit=25', headers: bearer(f.adminToken) },
    },
    {
      name: 'deep-page',
      title: 'cursor page 900,000 deep',
      options: { path: `/v1/tickets?limit=25&cursor=${f.deepCursor}`, headers: bearer(f.adminToken) },
      target: { p50VsPage1: 1.5 },
    },
    { name: 'search-rare', title: 'search, rare term ("kerberos", ~100 tickets)', options: search('kerberos'), target: { p95: 30 } },
    { name: 'search-common', title: 'search, common term ("printer")', options: search('printer'), target: { p95: 30 } },
    { name: 'search-common-ru', title: 'search, common Russian term ("принтер")', options: search('принтер'), target: { p95: 30 } },
    {
      name: 'graphql-page',
      title: 'GraphQL page of 40 with requester/assignee/tier/5 messages',
      options: { requests: [{ setupRequest: graphql }] },
    },
    {
      name: 'create',
      title: 'create ticket (customer, Idempotency-Key)',
      options: { requests: [{ setupRequest: create }] },
      writes: true,
      reference: true,
      target: { ratio: 0.5, vsOneConnection: 4 },
    },
    { name: 'add-message', title: 'add message (agent reply)', options: { requests: [{ setupRequest: addMessage }] }, writes: true },
    { name: 'mixed', title: 'support day: 80 % reads, 20 % writes', options: { requests: [{ setupRequest: mixed }] }, writes: true },
  ];
}

/** One autocannon run; latencies are recorded per response so p95 is exact (autocannon reports p90 and p97.5). */
function drive(port, options, duration) {
  return new Promise((resolve, reject) => {
    const { path = '/', ...rest } = options;
    const latencies = [];
    const instance = autocannon(
      { connections: CONNECTIONS, duration, ...rest, url: `http://127.0.0.1:${port}${path}` },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
        resolve({
          rps: result.requests.average,
          p50: at(50),
          p95: at(95),
          p99: at(99),
          requests: latencies.length,
          non2xx: result.non2xx,
          errors: result.errors,
          statusCodes: result.statusCodeStats,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(port, options, { alone = false } = {}) {
  if (WARMUP > 0) await drive(port, options, WARMUP);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await drive(port, options, DURATION));
  const pick = (key) => median(runs.map((r) => r[key]));
  // One client at a time: the request's own latency, without the queueing of 32 connections on a saturated server.
  const single = alone ? await drive(port, { ...options, connections: 1 }, DURATION) : null;
  return {
    rps: pick('rps'),
    p50: pick('p50'),
    p95: pick('p95'),
    p99: pick('p99'),
    failed: runs.reduce((n, r) => n + r.non2xx + r.errors, 0) + (single ? single.non2xx + single.errors : 0),
    runs,
    single,
  };
}

/**
 * Tierdesk and the reference measured turn about (warm-ups, then run i of each in turn): this machine's throughput drifts
 * by tens of percent over minutes, and interleaving puts both under the same drift. The ratio is the median of the
 * runs' ratios.
 */
async function measurePair(options, alone) {
  if (WARMUP > 0) {
    await drive(API.port, options, WARMUP);
    await drive(REFERENCE.port, options, WARMUP);
  }
  const ownRuns = [];
  const refRuns = [];
  for (let i = 0; i < RUNS; i++) {
    ownRuns.push(await drive(API.port, options, DURATION));
    refRuns.push(await drive(REFERENCE.port, options, DURATION));
  }
  const single = alone ? await drive(API.port, { ...options, connections: 1 }, DURATION) : null;
  const summary = (runs, extra = {}) => {
    const pick = (key) => median(runs.map((r) => r[key]));
    return {
      rps: pick('rps'),
      p50: pick('p50'),
      p95: pick('p95'),
      p99: pick('p99'),
      failed: runs.reduce((n, r) => n + r.non2xx + r.errors, 0),
      runs,
      ...extra,
    };
  };
  const ratio = median(ownRuns.map((r, i) => r.rps / refRuns[i].rps));
  return {
    own: summary(ownRuns, {
      single,
      ratio,
      failed: ownRuns.reduce((n, r) => n + r.non2xx + r.errors, 0) + (single ? single.non2xx + single.errors : 0),
    }),
    ref: summary(refRuns),
  };
}

function start(server, databaseUrl) {
  // BENCH_PROFILE=1: the API writes a V8 CPU profile when it stops (bench/results/profiles), for the scenarios run.
  const profile =
    process.env.BENCH_PROFILE && (server === API || process.env.BENCH_PROFILE === 'both')
      ? ['--cpu-prof', '--cpu-prof-dir', 'bench/results/profiles']
      : [];
  const child = spawn(process.execPath, [...NODE_FLAGS, ...profile, server.script], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(server.port),
      HOST: '127.0.0.1',
      JWT_SECRET: SECRET,
      // The bench is one credential at thousands of requests a second; the limiter still runs, it just never refuses.
      RATE_LIMIT_PER_MINUTE: '1000000',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function ready(server, child) {
  const path = server === API ? '/ready' : '/v1/tickets?limit=1';
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`${server.name} exited with code ${child.exitCode}`);
    if ((await fetch(`http://127.0.0.1:${server.port}${path}`).catch(() => null))?.ok) return;
    await sleep(250);
  }
  throw new Error(`${server.name} did not become ready`);
}

async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([new Promise((r) => child.once('exit', r)), sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

// What a reply changes on a ticket; the tickets the write scenarios reply to are put back as they were afterwards.
const REPLY_CHANGES = `status, "assigneeId", "firstRespondedAt", "firstResponseDueAt", "resolutionDueAt", "slaDueAt", "slaBreached", "slaPolicyId",
  "searchPublicText", "searchInternalText", "lastEventSequence", "updatedAt", "solvedAt", version`;

async function snapshotTickets(db, ids) {
  await db.query(`CREATE TEMP TABLE bench_ticket_before AS SELECT id, ${REPLY_CHANGES} FROM ticket WHERE id = ANY($1::uuid[])`, [ids]);
}

/** Deletes what the write scenarios added and restores the tickets they changed, so every run measures the same data. */
async function removeWrites(db, since, restore) {
  const columns = REPLY_CHANGES.split(',').map((c) => c.trim());
  if (restore)
    await db.query(`UPDATE ticket t SET ${columns.map((c) => `${c} = b.${c}`).join(', ')} FROM bench_ticket_before b WHERE t.id = b.id`);
  await db.query(`DELETE FROM ticket_message WHERE "createdAt" >= $1`, [since]);
  await db.query(`DELETE FROM ticket_event WHERE at >= $1`, [since]);
  await db.query(`DELETE FROM outbox WHERE "createdAt" >= $1`, [since]);
  await db.query(`DELETE FROM sla_clock WHERE "startedAt" >= $1`, [since]);
  await db.query(`DELETE FROM ticket WHERE "createdAt" >= $1`, [since]);
  await db.query(`DELETE FROM idempotency_key WHERE "createdAt" >= $1`, [since]);
  await db.query(
    `DO $$ BEGIN IF to_regclass('pgboss.job') IS NOT NULL THEN DELETE FROM pgboss.job WHERE name NOT LIKE '__pgboss%'; END IF; END $$`,
  );
}

// Interleaved runs give a ratio per pair of runs (their median); otherwise the ratio of the medians.
const ratioOf = (own, ref) => own.ratio ?? own.rps / ref.rps;
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function verdict(s, own, ref, page1) {
  const t = s.target;
  if (!t) return '';
  const checks = [];
  if (t.ratio) checks.push([`≥ ${t.ratio}× ref`, ratioOf(own, ref) >= t.ratio]);
  if (t.p99) checks.push([`p99 ≤ ${t.p99} ms`, own.p99 <= t.p99]);
  if (t.rps) checks.push([`≥ ${t.rps} req/s`, own.rps >= t.rps]);
  if (t.p95) checks.push([`p95 ≤ ${t.p95} ms`, own.p95 <= t.p95]);
  if (t.vsOneConnection && own.single)
    checks.push([
      `≥ ${t.vsOneConnection}× 1 connection (${fmt(own.rps / own.single.rps, 1)}×)`,
      own.rps >= t.vsOneConnection * own.single.rps,
    ]);
  if (t.p50VsPage1 && page1)
    checks.push([`p50 ≤ ${t.p50VsPage1}× page 1 (${fmt(own.p50 / page1.p50, 2)}×)`, own.p50 <= t.p50VsPage1 * page1.p50]);
  return checks.map(([what, ok]) => `${ok ? 'met' : 'NOT met'}: ${what}`).join('; ');
}

const wanted = process.argv.slice(2);
const databaseUrl = await ensureSeed({ serverUrl: SERVER_URL });
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const since = new Date();
const api = start(API, databaseUrl);
const reference = start(REFERENCE, databaseUrl);
const results = [];
let snapshotted = false;
try {
  await Promise.all([ready(API, api), ready(REFERENCE, reference)]);
  const fixtures = await loadFixtures(db);
  await snapshotTickets(db, fixtures.openTicketIds);
  snapshotted = true;
  const all = scenarios(fixtures);
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`);
  for (const s of all.filter(
    (x) => wanted.length === 0 || wanted.includes(x.name) || (x.name === 'page-1' && wanted.includes('deep-page')),
  )) {
    console.error(`bench: ${s.name}…`);
    const alone = Boolean(s.target?.p95 || s.target?.p99 || s.target?.vsOneConnection);
    const { own, ref } = s.reference
      ? await measurePair(s.options, alone)
      : { own: await measure(API.port, s.options, { alone }), ref: null };
    results.push({ scenario: s.name, title: s.title, tierdesk: own, reference: ref });
  }
  const page1 = results.find((r) => r.scenario === 'page-1')?.tierdesk;
  const rows = results.map((r) => {
    const s = all.find((x) => x.name === r.scenario);
    const ref = r.reference;
    const one = r.tierdesk.single;
    return `| ${r.title} | ${fmt(r.tierdesk.rps, 0)} | ${fmt(r.tierdesk.p50)} | ${fmt(r.tierdesk.p95)} | ${fmt(r.tierdesk.p99)} | ${one ? `${fmt(one.p50)} / ${fmt(one.p95)} / ${fmt(one.p99)} (${fmt(one.rps, 0)} req/s)` : '–'} | ${r.tierdesk.failed} | ${ref ? fmt(ref.rps, 0) : '–'} | ${ref ? fmt(ref.p99) : '–'} | ${ref ? fmt(ratioOf(r.tierdesk, ref), 2) : '–'} | ${verdict(s, r.tierdesk, ref, page1)} |`;
  });
  const table = [
    `Tierdesk vs reference · ${CONNECTIONS} connections · ${WARMUP} s warm-up, median of ${RUNS} × ${DURATION} s · ${new Date().toISOString()}`,
    '',
    '| scenario | req/s | p50 ms | p95 ms | p99 ms | 1 connection p50 / p95 / p99 ms | failed | ref req/s | ref p99 ms | ratio | target (at 32 connections) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(`\n${table}\n`);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replaceAll(':', '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify({ connections: CONNECTIONS, warmup: WARMUP, runs: RUNS, duration: DURATION, results, table }, null, 2),
  );
  console.error(`bench: raw results in ${file}`);
} finally {
  await Promise.all([stop(api), stop(reference)]);
  await removeWrites(db, since, snapshotted);
  await db.end();
}
