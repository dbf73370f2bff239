import { isAbsolute, resolve } from 'node:path';
import { validateEnv, type EnvVars } from './env.validation.js';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolMax: number; runMigrations: boolean }
  | {
      kind: 'embedded';
      /** null → in memory (tests). */
      dataDir: string | null;
      poolMax: number;
      runMigrations: boolean;
      /** In memory only: start as a copy of this PGlite data-dir dump instead of an empty cluster (tests; see global-setup). */
      template?: string;
    };

/** Where attachments go when ATTACHMENT_STORAGE=s3; no credentials → the AWS SDK's default chain (env, profile, instance role). */
export type S3StorageConfig = {
  bucket: string;
  /** Set for S3-compatible stores (MinIO, R2, …); unset → AWS. */
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
};

/** The one typed configuration object; built once from the environment and injected by class token. */
export class AppConfig {
  readonly env!: EnvVars['NODE_ENV'];
  readonly http!: { host: string; port: number; bodyLimit: number; trustProxy: boolean; shutdownTimeoutMs: number };
  readonly database!: DatabaseConfig;
  readonly dataDir!: string;
  readonly logLevel!: string;
  readonly graphql!: { introspection: boolean; maxDepth: number; maxAliases: number; maxCost: number; maxBatch: number };
  readonly metricsToken!: string | undefined;
  readonly rateLimit!: { perMinute: number };
  /** Allowed browser origins: `true` = any, [] = none. */
  readonly cors!: { origins: string[] | true };
  readonly auth!: {
    jwtSecret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    clockSkewSeconds: number;
    cacheSize: number;
    /** Claim names in the host product's tokens. */
    claims: { sub: string; role: string; email: string; name: string; org: string };
  };
  readonly redisUrl!: string | undefined;
  readonly sla!: { warningPercent: number };
  readonly jobs!: { workers: number; pollSeconds: number };
  /** Local files live in `<dataDir>/attachments`; `s3` is set exactly when storage is 's3'. */
  readonly attachments!: {
    storage: 'local' | 's3';
    maxBytes: number;
    maxFiles: number;
    maxDecompressedBytes: number;
    unattachedTtlHours: number;
    s3: S3StorageConfig | null;
  };
  readonly infoRequests!: { reminderHours: number };
  /** Staff roles that may publish knowledge-base articles. */
  readonly kb!: { publishRoles: ('agent' | 'admin')[] };
  /** The key material of secrets stored encrypted (see auth/jwt-secret encryptionMaterial); unset → the JWT secret. */
  readonly encryptionKey!: string | undefined;
  readonly webhooks!: { allowPrivate: boolean; timeoutMs: number };
  /** The e-mail channel: the SMTP receiver (port null = off), IMAP polling. */
  readonly mail!: { smtpPort: number | null; smtpHost: string; pollSeconds: number; maxBytes: number };
  /** Crash tests only (see common/failpoints). */
  readonly failpoints!: string[];

  static fromEnv(env: Record<string, string | undefined> = process.env): AppConfig {
    const v = validateEnv(env);
    const dataDir = isAbsolute(v.DATA_DIR) ? v.DATA_DIR : resolve(process.cwd(), v.DATA_DIR);
    return Object.assign(new AppConfig(), {
      env: v.NODE_ENV,
      http: {
        host: v.HOST,
        port: v.PORT,
        bodyLimit: v.BODY_LIMIT_BYTES,
        trustProxy: v.TRUST_PROXY,
        shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
      },
      database: v.DATABASE_URL
        ? { kind: 'postgres', url: v.DATABASE_URL, poolMax: v.DATABASE_POOL_MAX, runMigrations: v.MIGRATIONS_RUN }
        : { kind: 'embedded', dataDir: resolve(dataDir, 'pg'), poolMax: v.DATABASE_POOL_MAX, runMigrations: v.MIGRATIONS_RUN },
      dataDir,
      logLevel: v.LOG_LEVEL,
      graphql: {
        introspection: v.GRAPHQL_INTROSPECTION,
        maxDepth: v.GRAPHQL_MAX_DEPTH,
        maxAliases: v.GRAPHQL_MAX_ALIASES,
        maxCost: v.GRAPHQL_MAX_COST,
        maxBatch: v.GRAPHQL_MAX_BATCH,
      },
      metricsToken: v.METRICS_TOKEN,
      rateLimit: { perMinute: v.RATE_LIMIT_PER_MINUTE },
      cors: { origins: v.CORS_ORIGINS === '*' ? true : v.CORS_ORIGINS.split(',').filter(Boolean) },
      auth: {
        jwtSecret: v.JWT_SECRET,
        jwksUrl: v.JWT_JWKS_URL,
        issuer: v.JWT_ISSUER,
        audience: v.JWT_AUDIENCE,
        clockSkewSeconds: v.JWT_CLOCK_SKEW_SECONDS,
        cacheSize: v.JWT_CACHE_SIZE,
        claims: { sub: v.JWT_CLAIM_SUB, role: v.JWT_CLAIM_ROLE, email: v.JWT_CLAIM_EMAIL, name: v.JWT_CLAIM_NAME, org: v.JWT_CLAIM_ORG },
      },
      redisUrl: v.REDIS_URL,
      sla: { warningPercent: v.SLA_WARNING_PERCENT },
      jobs: { workers: v.JOB_WORKERS, pollSeconds: v.JOB_POLL_SECONDS },
      attachments: {
        storage: v.ATTACHMENT_STORAGE,
        maxBytes: v.ATTACHMENT_MAX_BYTES,
        maxFiles: v.ATTACHMENT_MAX_FILES,
        maxDecompressedBytes: v.ATTACHMENT_MAX_DECOMPRESSED_BYTES,
        unattachedTtlHours: v.ATTACHMENT_UNATTACHED_TTL_HOURS,
        s3: v.ATTACHMENT_STORAGE === 's3' ? s3Config(v) : null,
      },
      infoRequests: { reminderHours: v.INFO_REQUEST_REMINDER_HOURS },
      kb: { publishRoles: v.KB_PUBLISH_ROLES.split(',') as ('agent' | 'admin')[] },
      encryptionKey: v.ENCRYPTION_KEY,
      webhooks: { allowPrivate: v.WEBHOOK_ALLOW_PRIVATE, timeoutMs: v.WEBHOOK_TIMEOUT_MS },
      mail: {
        smtpPort: v.SMTP_INBOUND_PORT ?? null,
        smtpHost: v.SMTP_INBOUND_HOST,
        pollSeconds: v.MAIL_POLL_SECONDS,
        maxBytes: v.MAIL_MAX_BYTES,
      },
      failpoints: v.FAILPOINTS?.split(',') ?? [],
    } satisfies AppConfig);
  }
}

function s3Config(v: EnvVars): S3StorageConfig {
  return {
    bucket: v.S3_BUCKET!, // validateEnv refuses ATTACHMENT_STORAGE=s3 without it
    endpoint: v.S3_ENDPOINT,
    region: v.S3_REGION,
    forcePathStyle: v.S3_FORCE_PATH_STYLE,
    credentials:
      v.S3_ACCESS_KEY_ID && v.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: v.S3_ACCESS_KEY_ID, secretAccessKey: v.S3_SECRET_ACCESS_KEY }
        : undefined,
  };
}
