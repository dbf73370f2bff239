import { MigrationExecutor, type DataSource } from 'typeorm';

// TypeORM's own bookkeeping: present before the first migration and after the last revert.
const BOOKKEEPING = /^(table|column|index|constraint|sequence) (migrations|typeorm_metadata)\b|^sequence migrations_id_seq$/;

/**
 * On a database where every migration has been applied: reverts them one by one down to nothing, then applies them one
 * by one again. Each revert must leave exactly the schema that existed before that migration was applied (tables,
 * columns, indexes, constraints, types, functions, triggers, sequences), and the empty end must hold nothing of ours.
 * Returns the problems found; none means every down() works and undoes its up().
 */
export async function roundTrip(ds: DataSource, log: (line: string) => void): Promise<string[]> {
  const executor = new MigrationExecutor(ds);
  const applied = async () => (await executor.getExecutedMigrations()).sort((a, b) => b.timestamp - a.timestamp);
  // states[k]: the schema with the first k migrations applied, as reached going down (all of them: as first built).
  const states: string[][] = [];
  for (let done = await applied(); ; done = await applied()) {
    states[done.length] = await schemaSnapshot(ds);
    if (done.length === 0) break;
    await ds.undoLastMigration({ transaction: 'each' });
    if ((await applied()).length !== done.length - 1) return [`reverting ${done[0].name} did not remove it from the migrations table`];
    log(`down ${done[0].name}`);
  }
  const problems = states[0].filter((line) => !BOOKKEEPING.test(line)).map((line) => `left after reverting every migration: ${line}`);
  const [{ rows }] = await ds.query(`SELECT count(*)::int AS rows FROM typeorm_metadata`);
  if (rows > 0) problems.push(`left after reverting every migration: ${rows} row(s) in typeorm_metadata`);
  for (let count = 0; ; count++) {
    const built = await schemaSnapshot(ds);
    problems.push(...differences(built, states[count] ?? []).map((d) => `with ${count} migration(s) applied, ${d}`));
    const [next] = await executor.getPendingMigrations();
    if (!next) break;
    await ds.transaction((em) => new MigrationExecutor(ds, em.queryRunner!).executeMigration(next));
    log(`up ${next.name}`);
  }
  return problems;
}

// `built`: applying migrations in order; `reached`: the same count reached by reverting later ones.
function differences(built: string[], reached: string[]): string[] {
  const inReached = new Set(reached);
  const inBuilt = new Set(built);
  return [
    ...built.filter((line) => !inReached.has(line)).map((line) => `missing when reached by reverting: ${line}`),
    ...reached.filter((line) => !inBuilt.has(line)).map((line) => `only when reached by reverting: ${line}`),
  ];
}

/** The current schema's objects as sorted lines, one per column, index, constraint, type, function, trigger and sequence. */
async function schemaSnapshot(ds: DataSource): Promise<string[]> {
  const lines = (await ds.query(`
    SELECT 'table ' || table_name AS line FROM information_schema.tables WHERE table_schema = current_schema()
    UNION ALL
    SELECT format('column %s.%s %s %s default %s %s', table_name, column_name,
             CASE WHEN data_type IN ('USER-DEFINED', 'ARRAY') THEN udt_name ELSE data_type END || coalesce('(' || datetime_precision || ')', ''),
             CASE WHEN is_nullable = 'YES' THEN 'null' ELSE 'not null' END, coalesce(column_default, '-'), coalesce(generation_expression, ''))
      FROM information_schema.columns WHERE table_schema = current_schema()
    UNION ALL
    SELECT 'index ' || tablename || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
    UNION ALL
    SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) FROM pg_constraint
      WHERE connamespace = current_schema()::regnamespace AND contype <> 't'
    UNION ALL
    SELECT format('type %s %s', t.typname, (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
      FROM pg_type t WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype IN ('e', 'd')
    UNION ALL
    SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(g.oid) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND NOT g.tgisinternal
    UNION ALL
    SELECT 'sequence ' || sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()
  `)) as { line: string }[];
  return lines.map((r) => r.line).sort();
}
