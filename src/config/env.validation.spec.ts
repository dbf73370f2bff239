import { resolve } from 'node:path';
import { AppConfig } from './app-config';
import { ConfigError, validateEnv } from './env.validation';

describe('validateEnv', () => {
  it('gives every variable its default when the environment is empty', () => {
    expect(validateEnv({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_URL: undefined,
      DATABASE_POOL_MAX: 10,
      DATA_DIR: './data',
      MIGRATIONS_RUN: true,
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 1024 * 1024,
      TRUST_PROXY: false,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      GRAPHQL_INTROSPECTION: true,
      GRAPHQL_MAX_DEPTH: 10,
      GRAPHQL_MAX_ALIASES: 15,
      GRAPHQL_MAX_COST: 20_000,
      GRAPHQL_MAX_BATCH: 10,
      METRICS_TOKEN: undefined,
      JWT_SECRET: undefined,
    });
  });

  it('converts numbers and booleans, treats empty optional values as unset, and ignores unrelated variables', () => {
    const vars = validateEnv({
      PORT: '8080',
      MIGRATIONS_RUN: 'false',
      TRUST_PROXY: 'TRUE',
      GRAPHQL_INTROSPECTION: '0',
      DATABASE_URL: '',
      PATH: '/usr/bin',
    });
    expect(vars).toMatchObject({
      PORT: 8080,
      MIGRATIONS_RUN: false,
      TRUST_PROXY: true,
      GRAPHQL_INTROSPECTION: false,
      DATABASE_URL: undefined,
    });
    expect(vars).not.toHaveProperty('PATH');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT="abc" is invalid: expected .*integer/],
    [{ PORT: '70000' }, /^PORT=70000 is invalid: expected .*65535/],
    [{ PORT: '80.5' }, /^PORT="80\.5" is invalid: expected .*integer/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL=.* is invalid: expected a postgres:\/\/ connection URL$/],
    [{ MIGRATIONS_RUN: 'maybe' }, /^MIGRATIONS_RUN="maybe" is invalid: expected .*boolean/],
    [{ NODE_ENV: 'prod' }, /^NODE_ENV="prod" is invalid: expected .*development, production, test/],
    [{ JWT_SECRET: 'too-short-secret' }, /^JWT_SECRET=\(hidden\) is invalid: expected at least 32 characters/],
    [{ METRICS_TOKEN: 'short-token' }, /^METRICS_TOKEN=\(hidden\) is invalid: expected at least 16 characters$/],
  ])('%j → ConfigError: one line naming the variable and what it expects', (env, message) => {
    const error = configErrorOf(env);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('NODE_ENV=production without JWT_SECRET → ConfigError naming JWT_SECRET', () => {
    expect(configErrorOf({ NODE_ENV: 'production' }).message).toMatch(/^JWT_SECRET is missing/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) })).not.toThrow();
  });

  it('names every bad variable in the one line', () => {
    const { message } = configErrorOf({ PORT: 'abc', LOG_LEVEL: 'loud', GRAPHQL_MAX_DEPTH: '0' });
    expect(message).not.toContain('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'GRAPHQL_MAX_DEPTH']) expect(message).toContain(`${name}=`);
  });

  it('never echoes a secret: tokens, secrets, or the password inside a connection URL', () => {
    const secrets = {
      JWT_SECRET: 'hunter2-hunter2',
      METRICS_TOKEN: 'tok-123',
      DATABASE_URL: 'mysql://admin:s3cr3t-pa55@db.internal/tierdesk',
    };
    const { message } = configErrorOf(secrets);
    for (const value of ['hunter2', 'tok-123', 's3cr3t-pa55']) expect(message).not.toContain(value);
    for (const name of Object.keys(secrets)) expect(message).toContain(`${name}=`);
    // An unencoded password with / and @ in it, as a misconfigured URL may carry; the rest stays to help the reader.
    expect(configErrorOf({ DATABASE_URL: 'mysql://admin:pa/ss@w0rd@db.internal/tierdesk' }).message).toBe(
      'DATABASE_URL="mysql://(hidden)@db.internal/tierdesk" is invalid: expected a postgres:// connection URL',
    );
  });

  it('keeps a value that cannot span lines on one line', () => {
    const { message } = configErrorOf({ LOG_LEVEL: 'info\nFAKE LOG LINE' });
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^LOG_LEVEL="info\\nFAKE LOG LINE" is invalid/);
  });
});

describe('AppConfig.fromEnv', () => {
  it('uses the embedded database in DATA_DIR/pg by default, and PostgreSQL when DATABASE_URL is set', () => {
    expect(AppConfig.fromEnv({ DATA_DIR: '/srv/tierdesk' }).database).toEqual({
      kind: 'embedded',
      dataDir: '/srv/tierdesk/pg',
      poolMax: 10,
      runMigrations: true,
    });
    expect(AppConfig.fromEnv({}).dataDir).toBe(resolve(process.cwd(), 'data'));
    const url = 'postgres://tierdesk@db:5432/tierdesk';
    expect(AppConfig.fromEnv({ DATABASE_URL: url, DATABASE_POOL_MAX: '20', MIGRATIONS_RUN: 'false' }).database).toEqual({
      kind: 'postgres',
      url,
      poolMax: 20,
      runMigrations: false,
    });
  });

  it('maps the GraphQL limits and the metrics token', () => {
    const config = AppConfig.fromEnv({
      GRAPHQL_INTROSPECTION: 'false',
      GRAPHQL_MAX_DEPTH: '4',
      GRAPHQL_MAX_ALIASES: '0',
      GRAPHQL_MAX_COST: '99',
      GRAPHQL_MAX_BATCH: '2',
      METRICS_TOKEN: 'm'.repeat(16),
    });
    expect(config.graphql).toEqual({ introspection: false, maxDepth: 4, maxAliases: 0, maxCost: 99, maxBatch: 2 });
    expect(config.metricsToken).toBe('m'.repeat(16));
  });
});

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    validateEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}
