import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config.js';
import { ConfigError } from '../src/config/env.validation.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { withScratchDatabase } from '../src/database/scratch-database.js';
import { entities } from '../src/entities.js';
import { roundTrip } from './migration-roundtrip.js';

// Usage: migrate run | revert | generate <PascalVerbNoun> | check | roundtrip   (see README "Migrations")
const MIGRATIONS_DIR = join(__dirname, '..', '..', 'src', 'database', 'migrations');

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = AppConfig.fromEnv();
  switch (command) {
    case 'run':
      return withConfiguredDatabase(config, async (ds) => {
        const applied = await ds.runMigrations({ transaction: 'each' });
        console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations.');
      });
    case 'revert':
      return withConfiguredDatabase(config, async (ds) => {
        await ds.undoLastMigration({ transaction: 'each' });
        console.log('Reverted the last migration.');
      });
    case 'generate':
      if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new UsageError('generate needs a PascalCase name, e.g. AddSlaDueAtToTicket');
      return withScratchDatabase(config.database, entities, async (ds) => generate(ds, name));
    case 'check':
      return withScratchDatabase(config.database, entities, checkDrift);
    case 'roundtrip':
      // Every migration down to nothing and up again on a scratch database, each revert compared with the schema before
      // its migration; then the drift check on what the second pass built.
      return withScratchDatabase(config.database, entities, async (ds) => {
        const problems = await roundTrip(ds, (line) => console.log(line));
        if (problems.length) {
          console.error(`The migrations do not revert cleanly:\n${problems.map((p) => `  ${p}`).join('\n')}`);
          process.exitCode = 1;
          return;
        }
        console.log('Every migration reverts to the schema before it, and applies again.');
        await checkDrift(ds);
      });
    default:
      throw new UsageError('usage: migrate run | revert | generate <PascalVerbNoun> | check | roundtrip');
  }
}

async function checkDrift(ds: DataSource): Promise<void> {
  const { upQueries } = await ds.driver.createSchemaBuilder().log();
  if (upQueries.length === 0) return console.log('Migrations match the entities.');
  console.error(`Entities and migrations disagree; a new migration would run:\n${upQueries.map((q) => `  ${q.query};`).join('\n')}`);
  process.exitCode = 1;
}

async function withConfiguredDatabase(config: AppConfig, work: (ds: DataSource) => Promise<void>): Promise<void> {
  const db = config.database;
  const embedded = db.kind === 'embedded' ? await EmbeddedPostgres.start(db.dataDir, 3) : undefined;
  const ds = new DataSource(dataSourceOptions({ ...db, poolMax: 2 }, entities, embedded));
  try {
    await ds.initialize();
    await work(ds);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await embedded?.stop();
  }
}

async function generate(ds: DataSource, name: string): Promise<void> {
  const { upQueries, downQueries } = await ds.driver.createSchemaBuilder().log();
  if (upQueries.length === 0) return console.log('No changes: the migrations already match the entities.');
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name}`;
  const line = (q: { query: string; parameters?: unknown[] }) =>
    // Unqualified names keep migrations schema-agnostic (tests isolate by search_path).
    `    await queryRunner.query(\`${q.query.replace(/"public"\./g, '').replace(/`/g, '\\`')}\`${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
  writeFileSync(
    join(MIGRATIONS_DIR, `${file}.ts`),
    `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${upQueries.map(line).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...downQueries].reverse().map(line).join('\n')}
  }
}
`,
  );
  registerInIndex(className, file);
  console.log(`Wrote src/database/migrations/${file}.ts and registered it in index.ts; review the SQL before committing.`);
}

function registerInIndex(className: string, file: string): void {
  const index = join(MIGRATIONS_DIR, 'index.ts');
  const lines = readFileSync(index, 'utf8').split('\n');
  const lastImport = lines.findLastIndex((l) => l.startsWith('import '));
  lines.splice(lastImport + 1, 0, `import { ${className} } from './${file}.js';`);
  lines.splice(lines.lastIndexOf('];'), 0, `  ${className},`);
  writeFileSync(index, lines.join('\n'));
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof UsageError ? error.message : error);
  process.exit(1);
});
