// The benchmark data set, built with set-based SQL in a database of its own and kept between runs.
// 1,000,000 tickets · 5,000 customers in 200 organizations · 40 agents in 3 tiers · ~5 messages per ticket, English
// and Russian. Built once (a few minutes), then reused until SEED_VERSION changes or `--reseed` is given.
// Usage: npm run bench:seed [-- --reseed]   (DATABASE_URL: a server where the database may be created)
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

export const SEED_VERSION = 2;
const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000); // smaller for a quick try of the tooling
const CHUNK = 50_000;
const CUSTOMERS = 5_000;
const ORGANIZATIONS = 200;
// Tiers, their agents and how tickets spread over them (70 % stay at the first line).
const TIERS = [
  { name: 'First line', level: 1, agents: 20, share: 0.7 },
  { name: 'Developers', level: 2, agents: 12, share: 0.2 },
  { name: 'Sysadmins', level: 3, agents: 8, share: 0.1 },
];

/** The bench database's URL on the given server. */
export function benchDatabaseUrl(serverUrl, database = 'tierdesk_bench') {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Reuses the bench database when it holds this seed version (applying any new migrations), else builds it afresh:
 * drop, create, migrate, seed. Returns its URL.
 */
export async function ensureSeed({ serverUrl, database = 'tierdesk_bench', reseed = false, log = console.error }) {
  const url = benchDatabaseUrl(serverUrl, database);
  const fresh = reseed || !(await seededVersionIs(url, SEED_VERSION));
  if (fresh) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
  }
  const migrate = spawnSync(process.execPath, ['dist/scripts/migrate.js', 'run'], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (migrate.status !== 0) throw new Error('migrations failed on the bench database');
  if (!fresh) {
    log(`bench data: reusing ${database} (seed v${SEED_VERSION}, ${TICKETS.toLocaleString('en')} tickets)`);
    return url;
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // One transaction: a seed that fails half-way leaves no marker, so the next run starts again from scratch.
    await db.query('BEGIN');
    await seed(db, log);
    await db.query('CREATE TABLE bench_seed (version int NOT NULL, tickets int NOT NULL, "seededAt" timestamptz NOT NULL DEFAULT now())');
    await db.query('INSERT INTO bench_seed (version, tickets) VALUES ($1, $2)', [SEED_VERSION, TICKETS]);
    await db.query('COMMIT');
    await db.query('VACUUM (ANALYZE) ticket, ticket_message, user_account, organization, tier, tier_member');
    log('bench data: vacuumed and analysed');
  } finally {
    await db.end();
  }
  return url;
}

async function seededVersionIs(url, version) {
  const db = new pg.Client({ connectionString: url });
  try {
    await db.connect();
    const { rows } = await db.query(`SELECT version, tickets FROM bench_seed`);
    return rows[0]?.version === version && rows[0]?.tickets === TICKETS;
  } catch {
    return false; // no such database yet, or no marker: not seeded
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function seed(db, log) {
  const started = Date.now();
  const step = (what) => log(`bench data: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  // Bulk-load settings for this session only: nothing here needs to survive a crash before the marker row is written.
  await db.query(
    `SET LOCAL synchronous_commit = off; SET LOCAL maintenance_work_mem = '1GB'; SET LOCAL work_mem = '256MB'; SET LOCAL max_parallel_maintenance_workers = 2`,
  );
  await db.query(UUID7);

  step('people, organizations and tiers');
  await db.query(`INSERT INTO organization (id, key, name, version)
    SELECT pg_temp.uuid7(now() - interval '800 days'), 'org-' || n, 'Organization ' || n, 1 FROM generate_series(1, ${ORGANIZATIONS}) n`);
  await db.query(`INSERT INTO user_account (id, "externalId", role, name, email, "organizationId", version)
    SELECT pg_temp.uuid7(now() - interval '790 days'), 'bench-customer-' || n, 'customer', 'Customer ' || n, 'customer' || n || '@example.com',
      CASE WHEN n % 5 = 0 THEN NULL ELSE (SELECT id FROM organization WHERE key = 'org-' || (1 + n % ${ORGANIZATIONS})) END, 1
    FROM generate_series(1, ${CUSTOMERS}) n`);
  await db.query(`INSERT INTO user_account (id, "externalId", role, name, email, version)
    VALUES (pg_temp.uuid7(now() - interval '800 days'), 'bench-admin', 'admin', 'Admin', 'admin@example.com', 1)`);
  // The migrations' default first line (a fresh database has nothing else): the seed brings its own tiers.
  await db.query(`DELETE FROM tier`);
  let agentNumber = 0;
  for (const tier of TIERS) {
    // Tickets wait unassigned in the first line's queue (manual); the specialist tiers deal them out round robin.
    await db.query(
      `INSERT INTO tier (id, name, level, assignment, version) VALUES (pg_temp.uuid7(now() - interval '800 days'), $1, $2, $3, 1)`,
      [tier.name, tier.level, tier.level === 1 ? 'manual' : 'round_robin'],
    );
    await db.query(
      `WITH agents AS (
        INSERT INTO user_account (id, "externalId", role, name, email, version)
        SELECT pg_temp.uuid7(now() - interval '795 days'), 'bench-agent-' || n, 'agent', 'Agent ' || n, 'agent' || n || '@example.com', 1
        FROM generate_series($1::int, $2::int) n RETURNING id)
      INSERT INTO tier_member ("tierId", "userId") SELECT (SELECT id FROM tier WHERE name = $3), id FROM agents`,
      [agentNumber + 1, agentNumber + tier.agents, tier.name],
    );
    agentNumber += tier.agents;
  }
  await db.query(`UPDATE tier SET "escalationTargetId" = (SELECT id FROM tier WHERE level = tier.level + 1)`);
  // Global SLA policies, so every new ticket starts its clocks as in production.
  await db.query(`INSERT INTO sla_policy (id, name, priority, "firstResponseMinutes", "resolutionMinutes", version)
    VALUES (pg_temp.uuid7(now()), 'Urgent', 'urgent', 30, 240, 1), (pg_temp.uuid7(now()), 'High', 'high', 60, 480, 1),
           (pg_temp.uuid7(now()), 'Normal', 'normal', 240, 1440, 1), (pg_temp.uuid7(now()), 'Low', 'low', 480, 2880, 1)`);
  await db.query(
    `CREATE TEMP TABLE seed_customer AS SELECT row_number() OVER (ORDER BY "externalId") - 1 AS n, id, "organizationId" FROM user_account WHERE role = 'customer'`,
  );
  await db.query(
    `CREATE TEMP TABLE seed_tier AS SELECT t.id, t.level, array_agg(m."userId" ORDER BY m."userId") AS agents FROM tier t JOIN tier_member m ON m."tierId" = t.id GROUP BY t.id, t.level`,
  );

  // Secondary indexes are dropped for the load and rebuilt once at the end: far faster than maintaining them per row.
  const { rows: indexes } = await db.query(`SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename IN ('ticket', 'ticket_message') AND indexname NOT IN (SELECT conname FROM pg_constraint)`);
  for (const { indexname } of indexes) await db.query(`DROP INDEX "${indexname}"`);
  // So are the foreign keys of the rows loaded (one check per row and key): re-adding them checks every row in one pass.
  const { rows: keys } =
    await db.query(`SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE contype = 'f' AND conrelid IN ('ticket'::regclass, 'ticket_message'::regclass)`);
  for (const { table, conname } of keys) await db.query(`ALTER TABLE ${table} DROP CONSTRAINT "${conname}"`);

  for (let lo = 1; lo <= TICKETS; lo += CHUNK) {
    await db.query(TICKET_CHUNK, [lo, Math.min(lo + CHUNK - 1, TICKETS), TICKETS, CUSTOMERS]);
    progress('tickets and messages', Math.min(lo + CHUNK - 1, TICKETS), TICKETS, started);
  }
  process.stderr.write('\n');
  await db.query(`SELECT setval(pg_get_serial_sequence('ticket', 'number'), ${TICKETS})`);
  step('rebuilding indexes');
  for (const { indexname, indexdef } of indexes) {
    await db.query(indexdef);
    step(`index ${indexname}`);
  }
  for (const { table, conname, def } of keys) {
    await db.query(`ALTER TABLE ${table} ADD CONSTRAINT "${conname}" ${def}`);
    step(`foreign key ${conname}`);
  }
  step('loaded');
}

function progress(what, done, total, started) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\rbench data: [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}

// UUIDv7 (time-ordered, as the API makes them) from a timestamp, so ids and createdAt agree.
const UUID7 = `CREATE OR REPLACE FUNCTION pg_temp.uuid7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex(floor(extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
    || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text), 1, 15))::uuid $$`;

const EN_SUBJECTS = [
  'Printer is not printing',
  'Cannot log in after password reset',
  'Invoice shows the wrong amount',
  'Export to CSV fails',
  'Feature request: dark mode',
  'Sync stopped working',
  'Error 500 when saving the report',
  'How do I add a new user?',
  'Slow dashboard since the update',
  'Refund for a duplicate charge',
  'Mobile app crashes on start',
  'Email notifications are not arriving',
  'Change the billing address',
  'API returns 429 too often',
];
const RU_SUBJECTS = [
  'Принтер не печатает',
  'Не могу войти после смены пароля',
  'В счёте неверная сумма',
  'Не работает выгрузка в CSV',
  'Предложение: тёмная тема',
  'Перестала работать синхронизация',
  'Ошибка 500 при сохранении отчёта',
  'Как добавить нового пользователя?',
  'Медленно открывается панель после обновления',
  'Возврат за двойное списание',
  'Мобильное приложение падает при запуске',
  'Не приходят уведомления на почту',
  'Изменить адрес для счетов',
  'API слишком часто отвечает 429',
];
const EN_SENTENCES = [
  'It started this morning after the update.',
  'Our whole team is affected.',
  'I attached a screenshot of the error.',
  'The log shows a timeout talking to the server.',
  'We use the desktop client on Windows.',
  'Restarting did not help.',
  'Please advise on a workaround.',
  'This blocks our month-end closing.',
  'The printer queue is stuck with one job.',
  'Could you check the account settings?',
];
const RU_SENTENCES = [
  'Началось сегодня утром после обновления.',
  'Затронута вся наша команда.',
  'Прикладываю снимок экрана с ошибкой.',
  'В журнале видно превышение времени ожидания сервера.',
  'Мы используем настольный клиент на Windows.',
  'Перезагрузка не помогла.',
  'Подскажите, как обойти проблему.',
  'Это блокирует закрытие месяца.',
  'Очередь принтера зависла на одном задании.',
  'Проверьте, пожалуйста, настройки учётной записи.',
];
const EN_REPLIES = [
  'Thanks for the details, we are looking into it.',
  'Could you send us the error log?',
  'We have deployed a fix, please try again.',
  'Does this still happen after clearing the cache?',
  'Thanks, it works now.',
  'Still failing on my side.',
];
const RU_REPLIES = [
  'Спасибо за подробности, разбираемся.',
  'Пришлите, пожалуйста, журнал ошибок.',
  'Мы выкатили исправление, попробуйте ещё раз.',
  'Повторяется ли это после очистки кэша?',
  'Спасибо, теперь работает.',
  'У меня всё ещё ошибка.',
];
const NOTES = [
  'Looks like the known sync bug, linking to the problem ticket.',
  'Customer is on the legacy plan.',
  'Похоже на известную ошибку синхронизации.',
  'Checked the logs: timeout at the gateway.',
];
const arr = (items) => `ARRAY[${items.map((s) => `'${s.replaceAll("'", "''")}'`).join(', ')}]`;
const pick = (items, seed) => `(${arr(items)})[1 + floor(${seed} * ${items.length})::int]`;

// One chunk of tickets [$1, $2] of $3 with their messages; $4 customers. Ticket g = $3 is the newest, a day old, so
// everything seeded predates a bench run (which deletes what it wrote by time afterwards).
const TICKET_CHUNK = `
WITH base AS MATERIALIZED (
  SELECT g, $3::int - g AS age, random() AS r_tier, random() AS r_status, random() AS r_lang, random() AS r_agent,
    now() - interval '1 day' - make_interval(secs => ($3::int - g) * 63.0 + random() * 60) AS created, floor(random() * $4::int)::int AS customer,
    2 + floor(random() * 5)::int + floor(random() * 3)::int AS messages
  FROM generate_series($1::int, $2::int) g
), t AS MATERIALIZED (
  SELECT b.*, pg_temp.uuid7(b.created) AS id, c.id AS requester, c."organizationId" AS organization,
    (SELECT s.id FROM seed_tier s WHERE s.level = CASE WHEN b.r_tier < ${TIERS[0].share} THEN 1 WHEN b.r_tier < ${TIERS[0].share + TIERS[1].share} THEN 2 ELSE 3 END) AS tier,
    CASE WHEN b.r_tier < ${TIERS[0].share} THEN 1 WHEN b.r_tier < ${TIERS[0].share + TIERS[1].share} THEN 2 ELSE 3 END AS level,
    (CASE WHEN b.age < 30000 THEN (CASE WHEN b.r_status < 0.35 THEN 'new' WHEN b.r_status < 0.70 THEN 'open' WHEN b.r_status < 0.85 THEN 'pending' WHEN b.r_status < 0.90 THEN 'on_hold' ELSE 'solved' END)
          WHEN b.age < 100000 THEN (CASE WHEN b.r_status < 0.05 THEN 'open' WHEN b.r_status < 0.10 THEN 'pending' WHEN b.r_status < 0.70 THEN 'solved' ELSE 'closed' END)
          ELSE (CASE WHEN b.r_status < 0.03 THEN 'solved' ELSE 'closed' END) END)::ticket_status AS status,
    (ARRAY['low', 'normal', 'normal', 'normal', 'high', 'urgent'])[1 + floor(random() * 6)::int]::ticket_priority AS priority,
    (ARRAY['question', 'incident', 'problem', 'change_request', 'complaint'])[1 + floor(random() * 5)::int]::ticket_type AS type,
    (ARRAY['web', 'email', 'email', 'chat', 'phone', 'api'])[1 + floor(random() * 6)::int]::ticket_channel AS channel,
    CASE WHEN b.r_lang < 0.5 THEN ${pick(EN_SUBJECTS, 'random()')} ELSE ${pick(RU_SUBJECTS, 'random()')} END AS subject,
    CASE WHEN b.r_lang < 0.5 THEN ${pick(EN_SENTENCES, 'random()')} || ' ' || ${pick(EN_SENTENCES, 'random()')}
         ELSE ${pick(RU_SENTENCES, 'random()')} || ' ' || ${pick(RU_SENTENCES, 'random()')} END
      -- rare terms: a product code shared by ~200 tickets, and one word in 1 ticket of 10,000
      || ' Ref ERR-' || (b.g % 5000) || CASE WHEN b.g % 10000 = 7 THEN ' kerberos' ELSE '' END AS description,
    string_to_array((ARRAY['billing,vip', 'printing', 'sync', '', '', 'mobile'])[1 + floor(random() * 6)::int], ',') AS tags
  FROM base b JOIN seed_customer c ON c.n = b.customer
), placed AS MATERIALIZED (
  SELECT t.*, CASE WHEN t.status = 'new' THEN NULL ELSE s.agents[1 + floor(t.r_agent * array_length(s.agents, 1))::int] END AS assignee,
    t.status IN ('new', 'open', 'pending', 'on_hold') AS active,
    t.created + make_interval(mins => CASE t.priority WHEN 'urgent' THEN 30 WHEN 'high' THEN 60 WHEN 'normal' THEN 240 ELSE 480 END) AS first_due,
    t.created + make_interval(mins => CASE t.priority WHEN 'urgent' THEN 240 WHEN 'high' THEN 480 WHEN 'normal' THEN 1440 ELSE 2880 END) AS resolution_due
  FROM t JOIN seed_tier s ON s.id = t.tier
), messages AS (
  INSERT INTO ticket_message (id, "ticketId", "authorId", visibility, body, "createdAt")
  SELECT pg_temp.uuid7(p.created + make_interval(mins => k * 37)), p.id,
    CASE WHEN k % 2 = 1 OR p.assignee IS NULL THEN p.requester ELSE p.assignee END,
    (CASE WHEN k % 5 = 4 AND p.assignee IS NOT NULL THEN 'internal' ELSE 'public' END)::message_visibility,
    CASE WHEN k % 5 = 4 AND p.assignee IS NOT NULL THEN ${pick(NOTES, 'random()')} WHEN p.r_lang < 0.5 THEN ${pick(EN_REPLIES, 'random()')} ELSE ${pick(RU_REPLIES, 'random()')} END,
    p.created + make_interval(mins => k * 37)
  FROM placed p CROSS JOIN LATERAL generate_series(1, CASE WHEN p.status = 'new' THEN 1 ELSE p.messages END) k
  RETURNING "ticketId", visibility, body, "createdAt"
), texts AS (
  SELECT "ticketId",
    coalesce(string_agg(body, E'\\n' ORDER BY "createdAt") FILTER (WHERE visibility = 'public'), '') AS public_text,
    coalesce(string_agg(body, E'\\n' ORDER BY "createdAt") FILTER (WHERE visibility = 'internal'), '') AS internal_text
  FROM messages GROUP BY "ticketId"
)
INSERT INTO ticket (id, number, subject, description, status, priority, type, channel, "requesterId", "organizationId", "tierId", "escalationLevel",
  "assigneeId", tags, "firstResponseDueAt", "resolutionDueAt", "firstRespondedAt", "slaDueAt", "searchPublicText", "searchInternalText",
  "createdAt", "updatedAt", "solvedAt", "closedAt", version)
SELECT p.id, p.g, p.subject, p.description, p.status, p.priority, p.type, p.channel, p.requester, p.organization, p.tier, p.level,
  p.assignee, p.tags,
  p.first_due, p.resolution_due, CASE WHEN p.status = 'new' THEN NULL ELSE p.created + interval '37 minutes' END,
  CASE WHEN NOT p.active OR p.status IN ('pending', 'on_hold') THEN NULL WHEN p.status = 'new' THEN p.first_due ELSE p.resolution_due END,
  p.subject || E'\\n' || p.description || E'\\n' || coalesce(x.public_text, ''), coalesce(x.internal_text, ''),
  p.created, p.created + make_interval(mins => p.messages * 37),
  CASE WHEN p.status IN ('solved', 'closed') THEN p.created + make_interval(mins => p.messages * 37) END,
  CASE WHEN p.status = 'closed' THEN p.created + make_interval(days => 4) END, 1
FROM placed p LEFT JOIN texts x ON x."ticketId" = p.id`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  await ensureSeed({ serverUrl, reseed: process.argv.includes('--reseed') });
}
