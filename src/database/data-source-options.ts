import type { PoolClient } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { AfterCommitSubscriber } from './after-commit.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';
import { migrations } from './migrations/index.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function;

/**
 * Every connection to the embedded server reaches PGlite's one session, which keeps the statements a dropped connection
 * prepared: a new connection preparing the same names would fail (42P05) on every statement. pg-pool runs this on each
 * new connection before handing it out.
 */
function forgetPreparedStatements(client: PoolClient, done: (error?: Error) => void): void {
  client.query('DEALLOCATE ALL').then(() => done(), done);
}

/** The one set of TypeORM options, for the app and the migration CLI alike; the embedded server is given when used. */
export function dataSourceOptions(config: DatabaseConfig, entities: EntityClass[], embedded?: EmbeddedPostgres): DataSourceOptions {
  const connection =
    config.kind === 'postgres'
      ? { url: config.url }
      : { host: embedded!.host, port: embedded!.port, username: 'postgres', password: 'postgres', database: 'postgres' };
  return {
    type: 'postgres',
    ...connection,
    entities,
    migrations,
    subscribers: [AfterCommitSubscriber],
    synchronize: false,
    migrationsTransactionMode: 'each',
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    // One connection to the embedded server: its socket layer (pglite-socket 0.2.17) interleaves the extended-protocol
    // messages of concurrent connections into PGlite's one session, so a query could run another's statement (errors,
    // or another caller's rows) and a failed message stalls its queue for good (electric-sql/pglite#1046). PGlite runs
    // one statement at a time anyway.
    extra: {
      max: config.kind === 'embedded' ? 1 : config.poolMax,
      application_name: 'tierdesk',
      ...(config.kind === 'embedded' ? { verify: forgetPreparedStatements } : {}),
    },
  };
}
