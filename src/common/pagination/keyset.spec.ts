import { afterCursorCondition, type KeysetColumn } from './keyset';

interface Row {
  rank: number;
  createdAt: string;
  id: string;
}

const rank = (direction: 'ASC' | 'DESC'): KeysetColumn<Row> => ({ expression: 't.rank', direction, value: (r) => r.rank });
const createdAt = (direction: 'ASC' | 'DESC'): KeysetColumn<Row> => ({
  expression: 't."createdAt"',
  direction,
  value: (r) => r.createdAt,
  cast: '::timestamptz',
});
const id = (direction: 'ASC' | 'DESC'): KeysetColumn<Row> => ({ expression: 't.id', direction, value: (r) => r.id, cast: '::uuid' });

const AT = '2026-01-01T00:00:00.123Z';
const ID = '0192f6a0-0000-7000-8000-000000000000';

describe('afterCursorCondition', () => {
  it('uses one row comparison when every column runs ascending', () => {
    expect(afterCursorCondition([createdAt('ASC'), id('ASC')], [AT, ID])).toEqual({
      sql: '(t."createdAt", t.id) > (:keyset0::timestamptz, :keyset1::uuid)',
      params: { keyset0: AT, keyset1: ID },
    });
  });

  it('uses one row comparison with < when every column runs descending', () => {
    expect(afterCursorCondition([rank('DESC'), id('DESC')], [3, ID])).toEqual({
      sql: '(t.rank, t.id) < (:keyset0, :keyset1::uuid)',
      params: { keyset0: 3, keyset1: ID },
    });
  });

  it('expands mixed directions into OR branches, each fixing the columns before it', () => {
    const { sql, params } = afterCursorCondition([rank('ASC'), createdAt('DESC'), id('DESC')], [3, AT, ID]);
    expect(sql).toBe(
      '((t.rank > :keyset0)' +
        ' OR (t.rank = :keyset0 AND t."createdAt" < :keyset1::timestamptz)' +
        ' OR (t.rank = :keyset0 AND t."createdAt" = :keyset1::timestamptz AND t.id < :keyset2::uuid))',
    );
    expect(params).toEqual({ keyset0: 3, keyset1: AT, keyset2: ID });
  });

  it('gives each branch the operator of its own column (DESC first, ASC after)', () => {
    const { sql } = afterCursorCondition([rank('DESC'), id('ASC')], [3, ID]);
    expect(sql).toBe('((t.rank < :keyset0) OR (t.rank = :keyset0 AND t.id > :keyset1::uuid))');
  });
});
