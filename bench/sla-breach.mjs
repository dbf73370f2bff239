// SLA deadlines at scale: N tickets (default 100,000) whose first-response clocks all come due at the same moment,
// processed by TWO API instances sharing one PostgreSQL. Reports the time from the deadline until every clock is
// breached and escalated, then checks each breach was handled exactly once.
// Usage: npm run bench:sla [-- --tickets 100000] [-- --keep]   (DATABASE_URL: a server where a scratch database may be created)
import { spawn, execFileSync } from 'node:child_process';
import PgBoss from 'pg-boss';
import pg from 'pg';

const args = process.argv.slice(2);
const N = Number(args[args.indexOf('--tickets') + 1] || 0) || 100_000;
const KEEP = args.includes('--keep');
const ASSIGNMENT = args.includes('--assignment') ? args[args.indexOf('--assignment') + 1] : 'round_robin';
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB = `tierdesk_bench_sla_${Date.now()}`;
const url = new URL(SERVER);
url.pathname = `/${DB}`;
const DB_URL = url.toString();
const PORTS = [3781, 3782];
const AGENTS = 4;

const log = (message) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withClient(connectionString, work) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function progress(done, total, startedAt) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max(0.001, (Date.now() - startedAt) / 1000);
  process.stdout.write(
    `${process.stdout.isTTY ? '\r' : '\n'}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${Math.round(rate)}/s   `,
  );
}

async function seed(db, dueAt) {
  const ids = await withClient(DB_URL, async (c) => {
    await c.query('BEGIN');
    const {
      rows: [customer],
    } = await c.query(
      `INSERT INTO user_account (id, "externalId", role, version) VALUES (gen_random_uuid(), 'bench-customer', 'customer', 1) RETURNING id`,
    );
    const { rows: agents } = await c.query(
      `INSERT INTO user_account (id, "externalId", role, version) SELECT gen_random_uuid(), 'bench-agent-' || g, 'agent', 1 FROM generate_series(1, ${AGENTS}) g RETURNING id`,
    );
    const {
      rows: [l2],
    } = await c.query(
      `INSERT INTO tier (id, name, level, assignment, version) VALUES (gen_random_uuid(), 'Specialists', 2, $1, 1) RETURNING id`,
      [ASSIGNMENT],
    );
    const {
      rows: [l1],
    } = await c.query(
      `INSERT INTO tier (id, name, level, "escalationTargetId", version) VALUES (gen_random_uuid(), 'First line', 1, $1, 1) RETURNING id`,
      [l2.id],
    );
    for (const a of agents) await c.query(`INSERT INTO tier_member ("tierId", "userId") VALUES ($1, $2)`, [l2.id, a.id]);
    const {
      rows: [policy],
    } = await c.query(
      `INSERT INTO sla_policy (id, name, priority, "tierId", "firstResponseMinutes", "resolutionMinutes", "autoEscalate", version)
       VALUES (gen_random_uuid(), 'Urgent first line', 'urgent', $1, 1, 600, true, 1) RETURNING id`,
      [l1.id],
    );
    await c.query(
      `INSERT INTO ticket (id, subject, description, status, priority, "requesterId", "tierId", "escalationLevel", "slaPolicyId", "firstResponseDueAt", "slaDueAt", version, "searchPublicText", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), 'Checkout down #' || g, 'Payments fail', 'new', 'urgent', $1, $2, 1, $3, $4, $4, 1, 'Checkout down', $5, $5
       FROM generate_series(1, ${N}) g`,
      [customer.id, l1.id, policy.id, dueAt, new Date(dueAt.getTime() - 60_000)],
    );
    // Warnings already given: the benchmark is about breaches.
    const { rows } = await c.query(
      `INSERT INTO sla_clock (id, "ticketId", metric, cycle, "policyId", "targetMinutes", "startedAt", "dueAt", "warnAt", "warnedAt")
       SELECT gen_random_uuid(), id, 'first_response', 1, $1, 1, $2, $3, $3, $2 FROM ticket WHERE "tierId" = $4 RETURNING id`,
      [policy.id, new Date(dueAt.getTime() - 60_000), dueAt, l1.id],
    );
    await c.query('COMMIT');
    return rows.map((r) => r.id);
  });
  // The deadline jobs, through pg-boss's own bulk insert (as the API schedules them, one per clock).
  const boss = new PgBoss({ connectionString: DB_URL, schedule: false, supervise: false, max: 2 });
  boss.on('error', (e) => console.error(e.message));
  await boss.start();
  await boss.createQueue('sla-deadline');
  const at = dueAt.toISOString();
  const started = Date.now();
  for (let i = 0; i < ids.length; i += 5000) {
    await boss.insert(
      ids.slice(i, i + 5000).map((clockId) => ({ name: 'sla-deadline', data: { clockId, kind: 'breach', at }, startAfter: dueAt })),
    );
    progress(Math.min(i + 5000, ids.length), ids.length, started);
  }
  process.stdout.write('\n');
  await boss.stop({ graceful: false, close: true });
}

function startInstance(port) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: DB_URL,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      MIGRATIONS_RUN: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function ready(port) {
  for (let i = 0; i < 240; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.ok) return;
    await sleep(250);
  }
  throw new Error(`instance on ${port} did not become ready`);
}

await withClient(SERVER, (c) => c.query(`CREATE DATABASE "${DB}"`));
const instances = [];
try {
  log(`database ${DB}: migrating`);
  execFileSync(process.execPath, ['dist/scripts/migrate.js', 'run'], { env: { ...process.env, DATABASE_URL: DB_URL }, stdio: 'pipe' });
  // Due a little after seeding should finish, so both instances are up when the deadline arrives.
  const dueAt = new Date(Math.ceil((Date.now() + 30_000 + N / 5) / 1000) * 1000);
  log(`seeding ${N.toLocaleString('en')} tickets and clocks, all due at ${dueAt.toISOString()}`);
  await seed(DB_URL, dueAt);
  log('starting two instances');
  for (const port of PORTS) instances.push(startInstance(port));
  await Promise.all(PORTS.map(ready));
  const from = Math.max(Date.now(), dueAt.getTime());
  if (Date.now() < dueAt.getTime()) {
    log(`both ready; waiting ${Math.round((dueAt.getTime() - Date.now()) / 1000)} s for the deadline`);
    await sleep(dueAt.getTime() - Date.now());
  } else log('both ready after the deadline: measuring from now');

  let breached = 0;
  await withClient(DB_URL, async (c) => {
    while (breached < N) {
      await sleep(1000);
      ({
        rows: [{ breached }],
      } = await c.query(`SELECT count(*)::int AS breached FROM sla_clock WHERE "breachedAt" IS NOT NULL`));
      progress(breached, N, from);
      if (Date.now() - from > 60 * 60_000) throw new Error('not done within an hour');
    }
  });
  const seconds = (Date.now() - from) / 1000;
  process.stdout.write('\n');

  const checks = await withClient(DB_URL, async (c) => {
    const one = async (sql) => (await c.query(sql)).rows[0].n;
    return {
      'clocks breached': await one(`SELECT count(*)::int AS n FROM sla_clock WHERE "breachedAt" IS NOT NULL`),
      'sla.breached events': await one(`SELECT count(*)::int AS n FROM ticket_event WHERE type = 'sla.breached'`),
      'escalations (sla_breach)': await one(`SELECT count(*)::int AS n FROM ticket_escalation WHERE trigger = 'sla_breach'`),
      'tickets escalated twice or more': await one(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM ticket_escalation GROUP BY "ticketId" HAVING count(*) > 1) x`,
      ),
      'tickets now at level 2': await one(`SELECT count(*)::int AS n FROM ticket WHERE "escalationLevel" = 2`),
      'busiest agent / quietest agent': (
        await c.query(
          `SELECT max(n) || ' / ' || min(n) AS n FROM (SELECT count(*) AS n FROM ticket WHERE "assigneeId" IS NOT NULL GROUP BY "assigneeId") x`,
        )
      ).rows[0].n,
    };
  });
  console.log(
    `\n| measure | value |\n|---|---|\n| tickets due at once | ${N.toLocaleString('en')} |\n| instances | 2 (JOB_WORKERS=${process.env.JOB_WORKERS ?? 2} each) |\n| time from deadline to last breach | ${seconds.toFixed(1)} s |\n| breaches per second | ${Math.round(N / seconds)} |`,
  );
  for (const [k, v] of Object.entries(checks)) console.log(`| ${k} | ${typeof v === 'number' ? v.toLocaleString('en') : v} |`);
  const exact =
    checks['clocks breached'] === N &&
    checks['sla.breached events'] === N &&
    checks['escalations (sla_breach)'] === N &&
    checks['tickets escalated twice or more'] === 0;
  console.log(exact ? '\nEvery breach handled exactly once.' : '\nMISMATCH: some breach was missed or handled twice.');
  process.exitCode = exact ? 0 : 1;
} finally {
  for (const child of instances) child.kill('SIGTERM');
  await Promise.all(instances.map((child) => new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))));
  if (!KEEP) await withClient(SERVER, (c) => c.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`));
  else log(`kept database ${DB}`);
}
