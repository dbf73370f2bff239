import { QueryFailedError, type DataSource, type EntityTarget, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { hydrate, selectColumns } from '../../database/prepared-read.js';
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

/** What a list is asked for: `?limit=&cursor=` in REST, `first`/`after` in GraphQL. */
export interface PageRequest {
  limit: number;
  cursor?: string | null;
  /** The argument the cursor came in, named when it is refused: `cursor` (REST, the default) or `after` (GraphQL). */
  cursorArg?: string;
}

/**
 * Keyset pagination: ORDER BY the columns (the last one must be unique, e.g. the id), WHERE (cols) after the cursor,
 * LIMIT limit + 1 to learn whether a next page exists. The cost does not grow with page depth.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  args: PageRequest,
  fetch: (qb: SelectQueryBuilder<T>) => Promise<T[]> = (q) => q.getMany(),
): Promise<Page<T>> {
  if (args.cursor) {
    const values = decodeCursor(args.cursor, columns.length, args.cursorArg);
    const { sql, params } = afterCursorCondition(columns, values);
    qb.andWhere(sql, params);
  }
  columns.forEach((column, i) =>
    i === 0 ? qb.orderBy(column.expression, column.direction) : qb.addOrderBy(column.expression, column.direction),
  );
  let rows: T[];
  try {
    rows = await fetch(qb.limit(args.limit + 1));
  } catch (error) {
    // A cursor that decodes but whose values do not fit the columns (edited, or from another sort) makes the database
    // refuse the cast with a data exception (SQLSTATE class 22): the caller's 400, not our 500.
    if (args.cursor && isDataException(error)) throw invalidCursor(args.cursorArg);
    throw error;
  }
  return pageOf(rows, columns, args.limit);
}

/** The rows of several parents, each parent's rows in their own keyset order (see `paginateEach`). */
export interface PerParentQuery<T> {
  target: EntityTarget<T>;
  /** The alias the keyset expressions and `where` use, e.g. `m` for `m."createdAt"`. */
  alias: string;
  /** The column naming the parent, e.g. `ticketId`; backed by an index that starts with it and goes on with the keyset. */
  parentColumn: keyof T & string;
  parentIds: readonly string[];
  /** A further condition on the alias, e.g. `m.visibility = 'public'`. */
  where?: string;
}

/**
 * One page of each parent's rows in one statement (a GraphQL connection field on a page of parents): a LATERAL join
 * reads limit + 1 rows per parent down its index, so the cost follows the page asked for, never the rows a parent has.
 * The same cursor applies to every parent. Pages come back in the order of `parentIds`.
 */
export async function paginateEach<T extends ObjectLiteral>(
  dataSource: DataSource,
  query: PerParentQuery<T>,
  columns: KeysetColumn<T>[],
  args: PageRequest,
): Promise<Page<T>[]> {
  if (query.parentIds.length === 0) return [];
  const { alias } = query;
  const conditions = [`${alias}."${query.parentColumn}" = parent.id`];
  const params: Record<string, unknown> = { parentIds: [...new Set(query.parentIds)], take: args.limit + 1 };
  if (query.where) conditions.push(query.where);
  if (args.cursor) {
    const after = afterCursorCondition(columns, decodeCursor(args.cursor, columns.length, args.cursorArg));
    conditions.push(after.sql);
    Object.assign(params, after.params);
  }
  const order = columns.map((c) => `${c.expression} ${c.direction}`).join(', ');
  const table = dataSource.driver.escape(dataSource.getMetadata(query.target).tableName);
  const [sql, values] = dataSource.driver.escapeQueryWithParameters(
    `SELECT ${selectColumns(dataSource, query.target, alias)}
     FROM unnest(:parentIds::uuid[]) WITH ORDINALITY AS parent(id, ord)
     CROSS JOIN LATERAL (SELECT * FROM ${table} ${alias} WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT :take) ${alias}
     ORDER BY parent.ord, ${order}`,
    params,
  );
  let rows: Record<string, unknown>[];
  try {
    rows = await dataSource.query(sql, values);
  } catch (error) {
    if (args.cursor && isDataException(error)) throw invalidCursor(args.cursorArg);
    throw error;
  }
  const byParent = new Map<string, T[]>(query.parentIds.map((id) => [id, []]));
  for (const row of rows) {
    const entity = hydrate(dataSource, query.target, row);
    byParent.get(String(entity[query.parentColumn]))?.push(entity);
  }
  return query.parentIds.map((id) => pageOf(byParent.get(id)!, columns, args.limit));
}

/** A page from up to limit + 1 rows: the extra row only says that a next page exists. */
function pageOf<T>(rows: T[], columns: KeysetColumn<T>[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data, nextCursor: rows.length > limit && last ? cursorFor(columns, last) : null };
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

/** The database refused a value (SQLSTATE class 22): a cursor's values that decode but do not fit their columns. */
export function isDataException(error: unknown): boolean {
  return error instanceof QueryFailedError && /^22/.test(String((error.driverError as { code?: unknown } | undefined)?.code));
}
