import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { encodeCursor } from '../../src/common/pagination/cursor';
import { paginate } from '../../src/common/pagination/keyset';
import { ProbeEntity } from '../support/probe/probe.entity';
import { probeFixture } from '../support/probe/probe.module';
import { ProbeService } from '../support/probe/probe.service';
import { bearer, callerId, createTestApp, type TestApp } from '../support/test-app';

const SORTS = ['createdAt', '-createdAt', 'rank', '-rank', 'rank,-createdAt'] as const;
type Sort = (typeof SORTS)[number];

describe('Cursor pagination (e2e)', () => {
  let t: TestApp;
  let owner: string; // the JWT sub of the caller whose rows are listed
  let seeded: SeededProbe[];
  beforeAll(async () => {
    t = await createTestApp(probeFixture);
    owner = `page-${randomUUID()}`;
    seeded = await seedProbes(t.dataSource, await callerId(t, owner), 60);
  });
  afterAll(() => t.close());

  const list = (query: Record<string, string | number>, sub = owner) => request(t.url).get('/v1/probes').query(query).set(bearer(sub));

  it.each(SORTS)('GET /v1/probes?sort=%s walks every row exactly once, in order, 7 at a time', async (sort) => {
    const pages = await walk(list, { sort, limit: 7 });
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expectedOrder(seeded, sort));
  });

  it('GET /v1/probes ends with nextCursor null when the last page is exactly full (no empty extra page)', async () => {
    const pages = await walk(list, { sort: 'rank', limit: 20 });
    expect(pages.map((p) => p.length)).toEqual([20, 20, 20]);
  });

  it('GET /v1/probes returns 25 rows by default', async () => {
    const res = await list({}).expect(200);
    expect(res.body.data).toHaveLength(25);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  it("GET /v1/probes only lists the caller's rows; an empty list is { data: [], nextCursor: null }", async () => {
    const res = await list({}, `nobody-${randomUUID()}`).expect(200);
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });

  it.each([['0'], ['101'], ['abc'], ['1.5']])('GET /v1/probes?limit=%s → 400 naming limit', async (limit) => {
    expectValidationProblem(await list({ limit }), 'limit');
  });

  it('GET /v1/probes?cursor=<garbage> → 400 naming cursor', async () => {
    expectValidationProblem(await list({ cursor: 'not a cursor at all!' }), 'cursor');
    expectValidationProblem(await list({ cursor: Buffer.from('{"a":1}').toString('base64url') }), 'cursor');
  });

  it('GET /v1/probes?cursor=<wrong arity> → 400 naming cursor', async () => {
    expectValidationProblem(await list({ sort: 'createdAt', cursor: encodeCursor(['2026-01-01T00:00:00.000Z']) }), 'cursor');
    const rankCursor = (await list({ sort: 'rank', limit: 1 }).expect(200)).body.nextCursor;
    expectValidationProblem(await list({ sort: 'rank,-createdAt', cursor: rankCursor }), 'cursor');
  });

  it('GET /v1/probes?cursor=<tampered> → 400 naming cursor, never a 500', async () => {
    const cursor: string = (await list({ sort: 'createdAt', limit: 1 }).expect(200)).body.nextCursor;
    // Bytes cut off or changed, so it no longer decodes.
    expectValidationProblem(await list({ sort: 'createdAt', cursor: cursor.slice(0, -6) }), 'cursor');
    expectValidationProblem(await list({ sort: 'createdAt', cursor: `A${cursor.slice(1)}` }), 'cursor');
    // Well-formed JSON of the right arity whose values do not fit the columns (a date, a uuid, an integer).
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    expectValidationProblem(await list({ sort: 'createdAt', cursor: encodeCursor(['not-a-date', id]) }), 'cursor');
    expectValidationProblem(await list({ sort: 'createdAt', cursor: encodeCursor([createdAt, 'not-a-uuid']) }), 'cursor');
    expectValidationProblem(await list({ sort: 'rank', cursor: encodeCursor(['high', id]) }), 'cursor');
    // A cursor of another sort with the same arity.
    const rankCursor: string = (await list({ sort: 'rank', limit: 1 }).expect(200)).body.nextCursor;
    expectValidationProblem(await list({ sort: 'createdAt', cursor: rankCursor }), 'cursor');
  });

  // The plan only matters on the server the product runs on. The embedded PGlite is PostgreSQL 18 compiled to WASM
  // with its own planner version and statistics, so a plan seen there proves nothing about production (and one not
  // seen there would fail the suite for no production reason).
  const onServer = process.env.TIERDESK_TEST_DB_URL ? it : it.skip;
  onServer.each([
    ['createdAt', 'ix_probe_owner_created'],
    ['-createdAt', 'ix_probe_owner_created'],
    ['rank', 'ix_probe_owner_rank'],
  ] as const)('keyset page after a cursor (sort=%s) is an index range scan on %s, with no sort step', async (sort, index) => {
    const cursor: string = (await list({ sort, limit: 7 }).expect(200)).body.nextCursor;
    const [sql, params] = await pageQuery(t.dataSource, await callerId(t, owner), sort, cursor);
    const plan = await t.dataSource.transaction(async (em) => {
      await em.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await em.query(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(new RegExp(`Index (Only )?Scan( Backward)? using ${index} on probe`));
    expect(plan).not.toMatch(/\bSort\b/);
    // The cursor bound is part of the index condition, not a filter over rows already read.
    expect(plan).toMatch(/Index Cond: .*owner = .*\) AND \(ROW\(/s);
  });
});

interface SeededProbe {
  id: string;
  rank: number;
  /** createdAt as stored, in microseconds since the epoch (exact, unlike a JavaScript Date). */
  micros: bigint;
}

/**
 * Inserts rows directly so the test controls the ties: every 2 rows share a rank (0–4, repeating), every 3 rows share a
 * createdAt (so some pairs tie on both and only the id orders them), and createdAt is given microseconds, as `now()` on
 * PostgreSQL produces: a cursor that cannot carry what the column stores repeats or skips rows at page boundaries.
 */
async function seedProbes(dataSource: DataSource, owner: string, count: number): Promise<SeededProbe[]> {
  const rows: { id: string; rank: number; micros: string }[] = await dataSource.query(
    `INSERT INTO probe (owner, name, rank, "createdAt", version)
     SELECT $1, 'probe ' || g, (g / 2) % 5, '2026-01-01T00:00:00Z'::timestamptz + (g / 3) * interval '1357 microseconds', 1
     FROM generate_series(0, $2::int - 1) AS g
     RETURNING id, rank, (extract(epoch FROM "createdAt") * 1000000)::bigint::text AS micros`,
    [owner, count],
  );
  return rows.map((r) => ({ id: r.id, rank: r.rank, micros: BigInt(r.micros) }));
}

/** The ids in the order the API must return them for `sort`: each sort key, then the id (PostgreSQL orders uuids as their hex text). */
function expectedOrder(rows: SeededProbe[], sort: Sort): string[] {
  const cmp = (a: bigint | number | string, b: bigint | number | string) => (a < b ? -1 : a > b ? 1 : 0);
  const keys: Record<Sort, (a: SeededProbe, b: SeededProbe) => number> = {
    createdAt: (a, b) => cmp(a.micros, b.micros) || cmp(a.id, b.id),
    '-createdAt': (a, b) => cmp(b.micros, a.micros) || cmp(b.id, a.id),
    rank: (a, b) => cmp(a.rank, b.rank) || cmp(a.id, b.id),
    '-rank': (a, b) => cmp(b.rank, a.rank) || cmp(b.id, a.id),
    'rank,-createdAt': (a, b) => cmp(a.rank, b.rank) || cmp(b.micros, a.micros) || cmp(b.id, a.id),
  };
  return [...rows].sort(keys[sort]).map((r) => r.id);
}

/** Follows nextCursor from the first page to the last; returns the ids of each page. */
async function walk(
  list: (query: Record<string, string | number>) => request.Test,
  query: Record<string, string | number>,
): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await list(cursor ? { ...query, cursor } : query).expect(200);
    pages.push(res.body.data.map((p: { id: string }) => p.id));
    cursor = res.body.nextCursor;
    if (pages.length > 100) throw new Error('pagination does not end');
  } while (cursor !== null);
  return pages;
}

function expectValidationProblem(res: request.Response, field: string): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('VALIDATION_FAILED');
  expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

/** The SQL and parameters `paginate` runs for the probe list page after `cursor` (captured instead of executed). */
async function pageQuery(dataSource: DataSource, owner: string, sort: string, cursor: string): Promise<[string, unknown[]]> {
  const qb: SelectQueryBuilder<ProbeEntity> = dataSource
    .getRepository(ProbeEntity)
    .createQueryBuilder('p')
    .where('p.owner = :owner', { owner });
  let captured: [string, unknown[]] | undefined;
  qb.getMany = async () => {
    captured = qb.getQueryAndParameters();
    return [];
  };
  await paginate(qb, ProbeService.keyset(sort), { limit: 7, cursor });
  return captured!;
}
