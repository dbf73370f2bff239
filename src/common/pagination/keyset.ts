import { QueryFailedError, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, invalidCursor, type CursorValue } from './cursor.js';

export interface KeysetColumn<T> {
  /** SQL expression as used in ORDER BY, e.g. `t."createdAt"`. Must be backed by an index together with the others. */
  expression: string;
  direction: 'ASC' | 'DESC';
  /**
   * Reads the cursor value from a row of the result. It must equal the stored value exactly, or rows are repeated or
   * skipped at page boundaries: a JavaScript Date holds milliseconds, so timestamp keys need `timestamptz(3)` columns.
   */
  value: (row: T) => CursorValue;
  /** Casts a cursor value back for the comparison, e.g. `::timestamptz`. */
  cast?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Keyset pagination: ORDER BY the columns (the last one must be unique, e.g. the id), WHERE (cols) after the cursor,
 * LIMIT limit + 1 to learn whether a next page exists. The cost does not grow with page depth.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  args: { limit: number; cursor?: string | null },
): Promise<Page<T>> {
  if (args.cursor) {
    const values = decodeCursor(args.cursor, columns.length);
    const { sql, params } = afterCursorCondition(columns, values);
    qb.andWhere(sql, params);
  }
  columns.forEach((column, i) => (i === 0 ? qb.orderBy(column.expression, column.direction) : qb.addOrderBy(column.expression, column.direction)));
  let rows: T[];
  try {
    rows = await qb.limit(args.limit + 1).getMany();
  } catch (error) {
    // A cursor that decodes but whose values do not fit the columns (edited, or from another sort) makes the database
    // refuse the cast with a data exception (SQLSTATE class 22): the caller's 400, not our 500.
    if (args.cursor && isDataException(error)) throw invalidCursor();
    throw error;
  }
  const data = rows.slice(0, args.limit);
  const last = data.at(-1);
  const nextCursor = rows.length > args.limit && last ? cursorFor(columns, last) : null;
  return { data, nextCursor };
}

/** The cursor that resumes a list right after `row`. */
export function cursorFor<T>(columns: KeysetColumn<T>[], row: T): string {
  return encodeCursor(columns.map((c) => c.value(row)));
}

/** `(a, b) > (:a, :b)` when every column runs the same way (one index range scan); the expanded OR form otherwise. */
export function afterCursorCondition<T>(columns: KeysetColumn<T>[], values: CursorValue[]) {
  const params: Record<string, CursorValue> = {};
  const placeholder = (i: number) => {
    params[`keyset${i}`] = values[i];
    return `:keyset${i}${columns[i].cast ?? ''}`;
  };
  const sameDirection = columns.every((c) => c.direction === columns[0].direction);
  if (sameDirection) {
    const op = columns[0].direction === 'ASC' ? '>' : '<';
    return { sql: `(${columns.map((c) => c.expression).join(', ')}) ${op} (${columns.map((_, i) => placeholder(i)).join(', ')})`, params };
  }
  const branches = columns.map((column, i) => {
    const equal = columns.slice(0, i).map((c, j) => `${c.expression} = ${placeholder(j)}`);
    const op = column.direction === 'ASC' ? '>' : '<';
    return `(${[...equal, `${column.expression} ${op} ${placeholder(i)}`].join(' AND ')})`;
  });
  return { sql: `(${branches.join(' OR ')})`, params };
}

function isDataException(error: unknown): boolean {
  return error instanceof QueryFailedError && /^22/.test(String((error.driverError as { code?: unknown } | undefined)?.code));
}
