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

/** A test file's own database, a copy of the run's migrated one (`template`, which nothing stays connected to). */
export async function createFileDatabase(serverUrl: string, template: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    } catch (error) {
      // 55006: another file's copy was being made from the template at that instant.
      if ((error as { code?: string }).code !== '55006' || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

export async function dropRunDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** The run's database and every test file's copy of it. */
export async function dropRunDatabases(serverUrl: string, run: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_f') ORDER BY datname DESC`,
      [run],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
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
