import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunDatabase, testServerUrl } from './test-db';

// One fresh database per run on a real PostgreSQL, migrated once by the real CLI (the suite builds first), copied for each
// test file (own-database.ts). On the
// embedded default each test app gets its own in-memory database, a copy of one migrated here by the same CLI: an empty
// PGlite cluster alone took 7 s to initialise, for every app of the suite.
export default async function globalSetup(): Promise<void> {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'tierdesk-template-'));
    execFileSync(process.execPath, ['dist/scripts/migrate.js', 'run'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: 'pipe',
    });
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const db = await PGlite.create({ dataDir: join(dir, 'pg'), extensions: { pg_trgm } });
    const dump = await db.dumpDataDir('none');
    await db.close();
    writeFileSync(join(dir, 'template.tar'), Buffer.from(await dump.arrayBuffer()));
    process.env.TIERDESK_TEST_PGLITE_TEMPLATE = join(dir, 'template.tar');
    process.env.TIERDESK_TEST_TEMPLATE_DIR = dir;
    console.log(
      '\nTests run on the embedded PostgreSQL, each app on a copy of one migrated database (set TEST_DATABASE_URL to use a server).',
    );
    return;
  }
  const { name, url } = await createRunDatabase(serverUrl);
  execFileSync(process.execPath, ['dist/scripts/migrate.js', 'run'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'pipe' });
  // The template of every test file's own database (test/support/own-database.ts); nothing connects to it after this.
  process.env.TIERDESK_TEST_RUN_DB_URL = url;
  process.env.TIERDESK_TEST_DB_URL = url;
  process.env.TIERDESK_TEST_DB_NAME = name;
  console.log(`\nTests run on PostgreSQL: each test file on its own copy of ${name}, migrated once.`);
}
