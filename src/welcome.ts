import type { AddressInfo } from 'node:net';
import type { AppConfig } from './config/app-config.js';

/** What a newcomer sees after `npm start`: where it listens and how to make a first authenticated call. */
export function printWelcome(config: AppConfig, address: AddressInfo | string | null): void {
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const base = `http://localhost:${port}`;
  const database = config.database.kind === 'embedded' ? `embedded PostgreSQL in ${config.database.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  process.stdout.write(
    [
      '',
      `Tierdesk is listening on ${base} (${database})`,
      `  REST ${base}/v1   GraphQL ${base}/graphql   API reference ${base}/docs   readiness ${base}/ready`,
      "  First authenticated call (mints an admin token signed with this server's JWT secret):",
      `    curl -H "Authorization: Bearer $(npm run -s token -- --role admin)" ${base}/v1/me`,
      '',
    ].join('\n') + '\n',
  );
}
