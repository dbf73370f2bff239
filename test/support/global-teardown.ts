import { rmSync } from 'node:fs';
import { dropRunDatabases, testServerUrl } from './test-db';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = testServerUrl();
  const name = process.env.TIERDESK_TEST_DB_NAME;
  if (serverUrl && name) await dropRunDatabases(serverUrl, name);
  const template = process.env.TIERDESK_TEST_TEMPLATE_DIR;
  if (template) rmSync(template, { recursive: true, force: true });
}
