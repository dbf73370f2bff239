import { dropRunDatabase, testServerUrl } from './test-db';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = testServerUrl();
  const name = process.env.TIERDESK_TEST_DB_NAME;
  if (serverUrl && name) await dropRunDatabase(serverUrl, name);
}
