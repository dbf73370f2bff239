import { execFileSync } from 'node:child_process';
import { createRunDatabase, testServerUrl } from './test-db';

// One fresh database per run on a real PostgreSQL, migrated once by the real CLI (the suite builds first); none for
// the embedded default, where each test file boots its own in-memory database.
export default async function globalSetup(): Promise<void> {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    console.log('\nTests run on the embedded PostgreSQL (set TEST_DATABASE_URL to use a server).');
    return;
  }
  const { name, url } = await createRunDatabase(serverUrl);
  execFileSync(process.execPath, ['dist/scripts/migrate.js', 'run'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'pipe' });
  process.env.TIERDESK_TEST_DB_URL = url;
  process.env.TIERDESK_TEST_DB_NAME = name;
  console.log(`\nTests run on PostgreSQL, fresh database ${name}.`);
}
