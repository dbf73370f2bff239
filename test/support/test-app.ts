import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import type { Role } from '../../src/actor/actor';
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import type { EntityClass } from '../../src/database/database.module';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL of the listening app, e.g. http://127.0.0.1:41234 */
  url: string;
  config: AppConfig;
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface TestAppOptions {
  imports?: ModuleMetadata['imports'];
  entities?: EntityClass[];
  env?: Record<string, string>;
}

/** Boots the real app on a real database (the run's PostgreSQL database, or an in-memory embedded one) on a real port. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-test-'));
  const base = AppConfig.fromEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ...options.env,
  });
  const runDb = process.env.TIERDESK_TEST_DB_URL;
  const config: AppConfig = Object.assign(Object.create(AppConfig.prototype), base, {
    database: runDb
      ? { kind: 'postgres', url: runDb, poolMax: 10, runMigrations: true }
      : { kind: 'embedded', dataDir: null, poolMax: 10, runMigrations: true, template: process.env.TIERDESK_TEST_PGLITE_TEMPLATE },
  });
  const app = await createApp(config, { imports: options.imports, entities: options.entities, quiet: !process.env.TEST_VERBOSE });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    dataSource: app.get(DataSource),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A host-product JWT for tests, signed with the test secret. */
export function tokenFor(sub: string, role: Role = 'customer', claims: Record<string, unknown> = {}): string {
  return jwt.sign({ role, ...claims }, TEST_JWT_SECRET, { algorithm: 'HS256', subject: sub, expiresIn: 600 });
}

export function bearer(sub: string, role: Role = 'customer'): { Authorization: string } {
  return { Authorization: `Bearer ${tokenFor(sub, role)}` };
}

/** The caller's id as the API reports it (`GET /v1/me`): what rows the caller creates are owned by, not the JWT sub. */
export async function callerId(t: TestApp, sub: string): Promise<string> {
  const res = await fetch(`${t.url}/v1/me`, { headers: bearer(sub) });
  if (!res.ok) throw new Error(`GET /v1/me for ${sub} → ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}
