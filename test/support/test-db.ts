import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

// Plain pg here: global setup and teardown run outside jest's module mapping, so they import nothing from src.

/** The PostgreSQL server tests run against, when one is configured; otherwise every test file uses embedded PGlite. */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

/** Creates the run's fresh database on the server; returns its URL. */
export async function createRunDatabase(serverUrl: string): Promise<{ name: string; url: string }> {
  const name = `tierdesk_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropRunDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
