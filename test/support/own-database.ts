import { randomBytes } from 'node:crypto';
import { createFileDatabase, testServerUrl } from './test-db';

// On PostgreSQL every test file owns its database: a copy of the run's migrated one, made before the file's first hook
// (0.25 s), so no file sees another's tiers, rules or policies whatever the order. Set here, before the file is loaded,
// so the file reads its own URL wherever it reads TIERDESK_TEST_DB_URL. Global teardown drops them all.
const run = process.env.TIERDESK_TEST_DB_NAME;
const runUrl = process.env.TIERDESK_TEST_RUN_DB_URL;
const server = testServerUrl();
// Unit specs (src/) touch no database.
const unit = expect.getState().testPath?.includes('/src/') ?? false;
if (run && runUrl && server && !unit) {
  const name = `${run}_f${randomBytes(4).toString('hex')}`;
  const url = new URL(runUrl);
  url.pathname = `/${name}`;
  process.env.TIERDESK_TEST_DB_URL = url.toString();
  beforeAll(() => createFileDatabase(server, run, name));
}
