import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { dataSourceOptions, type EntityClass } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

/**
 * A throw-away database on the configured server (a fresh database beside DATABASE_URL's) or, without one, an
 * in-memory embedded PostgreSQL, with every migration applied: new migrations are generated, and drift is checked,
 * against exactly what the migrations build.
 */
export async function withScratchDatabase<T>(
  config: DatabaseConfig,
  entities: EntityClass[],
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  if (config.kind === 'embedded') {
    const embedded = await EmbeddedPostgres.start(null, 5);
    const dataSource = new DataSource(dataSourceOptions({ ...config, dataDir: null, poolMax: 2 }, entities, embedded));
    try {
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
      return await work(dataSource);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded.stop();
    }
  }
  const name = `tierdesk_scratch_${randomBytes(6).toString('hex')}`;
  await adminQuery(config.url, `CREATE DATABASE "${name}"`);
  const dataSource = new DataSource(dataSourceOptions({ ...config, url: withDatabase(config.url, name), poolMax: 2 }, entities));
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await adminQuery(config.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
