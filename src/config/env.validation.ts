import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? (({ true: true, '1': true, false: false, '0': false } as Record<string, boolean>)[value.toLowerCase()] ?? value)
    : value;
const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Every environment variable Tierdesk reads. Documented in README.md ("Configuration"). */
export class EnvVars {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'a postgres:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_MAX = 10;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Transform(toBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @Transform(toBoolean)
  @IsBoolean()
  GRAPHQL_INTROSPECTION = true;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  GRAPHQL_MAX_DEPTH = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1000)
  GRAPHQL_MAX_ALIASES = 15;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  GRAPHQL_MAX_COST = 20_000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  GRAPHQL_MAX_BATCH = 10;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'at least 16 characters' })
  METRICS_TOKEN?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 700;

  /** Share of an SLA target after which `sla.warning` fires. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(99)
  SLA_WARNING_PERCENT = 80;

  /** Job workers per queue in this replica (0: this replica only schedules, others run the jobs). */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(32)
  JOB_WORKERS = 2;

  /** How often an idle worker looks for due jobs. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(60)
  JOB_POLL_SECONDS = 1;

  /** Comma-separated browser origins allowed by CORS, or `*`; empty: no cross-origin access. */
  @IsString()
  @Matches(/^(\*|(https?:\/\/[^,\s]+)(,https?:\/\/[^,\s]+)*)?$/, { message: 'empty, *, or comma-separated http(s) origins' })
  CORS_ORIGINS = '';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'at least 32 characters' })
  @MaxLength(512)
  JWT_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s) URL of a JSON Web Key Set' })
  JWT_JWKS_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(512)
  JWT_ISSUER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(512)
  JWT_AUDIENCE?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_SKEW_SECONDS = 30;

  /** Verified tokens remembered until they expire; 0 verifies every request. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  JWT_CACHE_SIZE = 10_000;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  JWT_CLAIM_SUB = 'sub';

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  JWT_CLAIM_ROLE = 'role';

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  JWT_CLAIM_EMAIL = 'email';

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  JWT_CLAIM_NAME = 'name';

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  JWT_CLAIM_ORG = 'org';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'a redis:// URL' })
  REDIS_URL?: string;

  @IsIn(['local', 's3'])
  ATTACHMENT_STORAGE: 'local' | 's3' = 'local';

  /** Largest single attachment; uploads are cut off (and nothing stored) past it. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(5 * 1024 ** 3)
  ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  ATTACHMENT_MAX_FILES = 10;

  /** What a zip or gzip upload may expand to (zip-bomb guard). */
  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024 * 1024)
  ATTACHMENT_MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

  /** Uploads never attached to a message or an answer are deleted after this long. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  ATTACHMENT_UNATTACHED_TTL_HOURS = 24;

  /** When an unanswered information request reminds the customer (event `ticket.info_reminder`). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24 * 90)
  INFO_REQUEST_REMINDER_HOURS = 48;

  /** Who may publish, unpublish and edit published knowledge-base articles: `admin`, or `agent,admin`. */
  @IsIn(['admin', 'agent,admin', 'admin,agent'], { message: 'admin, or agent,admin' })
  KB_PUBLISH_ROLES = 'admin';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'an S3 bucket name' })
  S3_BUCKET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'an http(s) URL of an S3-compatible endpoint' })
  S3_ENDPOINT?: string;

  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'an S3 region name such as us-east-1' })
  S3_REGION = 'us-east-1';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(256)
  S3_ACCESS_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(256)
  S3_SECRET_ACCESS_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  /**
   * Secrets stored encrypted (webhook signing secrets, mail passwords): AES-256-GCM under keys derived from it (HKDF),
   * one per use. Unset → derived from the JWT secret.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'at least 32 characters' })
  @MaxLength(512)
  ENCRYPTION_KEY?: string;

  /** Lets webhook targets resolve to loopback, private and link-local addresses (development, tests); never metadata. */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  /** How long a webhook attempt may take (connect, headers and body) before it counts as failed. */
  @Transform(toInteger)
  @IsInt()
  @Min(1000)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  /** Port on which Tierdesk takes mail by SMTP for `protocol: "smtp"` mailboxes; unset (or empty) → off. */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : toInteger({ value })))
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  SMTP_INBOUND_PORT?: number;

  /** Address the SMTP receiver listens on. */
  @IsString()
  @MinLength(1)
  SMTP_INBOUND_HOST = '127.0.0.1';

  /** How often IMAP mailboxes are checked for new mail. */
  @Transform(toInteger)
  @IsInt()
  @Min(5)
  @Max(3600)
  MAIL_POLL_SECONDS = 60;

  /** Largest message taken in (SMTP refuses it, IMAP drops it with a reason). */
  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  MAIL_MAX_BYTES = 50 * 1024 * 1024;

  /** Tests only: comma-separated failpoints at which the process kills itself (crash tests). Refused in production. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z.-]+(,[a-z.-]+)*$/, { message: 'comma-separated failpoint names' })
  FAILPOINTS?: string;
}

const OPTIONAL_VARS = [
  'DATABASE_URL',
  'METRICS_TOKEN',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'REDIS_URL',
  'S3_BUCKET',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'FAILPOINTS',
  'ENCRYPTION_KEY',
  'SMTP_INBOUND_PORT',
];

/** Validates the environment; the error message is one line naming each bad variable and what it expects. */
export function validateEnv(env: Record<string, string | undefined>): EnvVars {
  const known = Object.fromEntries(
    Object.keys(new EnvVars())
      .concat(OPTIONAL_VARS)
      .filter((name) => env[name] !== undefined)
      .map((name) => [name, env[name]]),
  );
  const vars = plainToInstance(EnvVars, known, { exposeDefaultValues: true });
  const errors = validateSync(vars, { whitelist: true });
  const problems = errors.map(describe);
  if (vars.NODE_ENV === 'production' && !vars.JWT_SECRET && !vars.JWT_JWKS_URL) {
    problems.push(
      "JWT_SECRET is missing: expected the host product's HS256 secret (at least 32 characters) or JWT_JWKS_URL when NODE_ENV=production",
    );
  }
  // Replicas must agree on the key that decrypts stored secrets: a secret generated per data directory would not do.
  if (vars.NODE_ENV === 'production' && !vars.ENCRYPTION_KEY && !vars.JWT_SECRET)
    problems.push('ENCRYPTION_KEY is missing: expected at least 32 characters (or JWT_SECRET to derive it from) when NODE_ENV=production');
  if (vars.NODE_ENV === 'production' && vars.FAILPOINTS)
    problems.push('FAILPOINTS is set: failpoints kill the process and are for tests only, never with NODE_ENV=production');
  problems.push(...attachmentProblems(vars));
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return vars;
}

export class ConfigError extends Error {}

function attachmentProblems(vars: EnvVars): string[] {
  const problems: string[] = [];
  if (vars.ATTACHMENT_STORAGE === 's3' && !vars.S3_BUCKET)
    problems.push('S3_BUCKET is missing: expected the bucket name when ATTACHMENT_STORAGE=s3');
  // One key without the other would silently fall back to the SDK's default credential chain.
  if (!vars.S3_ACCESS_KEY_ID !== !vars.S3_SECRET_ACCESS_KEY) {
    const missing = vars.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID';
    problems.push(
      `${missing} is missing: expected S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY together, or neither (default AWS credential chain)`,
    );
  }
  return problems;
}

function describe(error: ValidationError): string {
  const expected = Object.values(error.constraints ?? {})
    .map((c) => c.replace(`${error.property} `, ''))
    .join(', ');
  const shown =
    error.property.includes('SECRET') || error.property.includes('TOKEN') ? '(hidden)' : JSON.stringify(redactUserinfo(error.value));
  return `${error.property}=${shown} is invalid: expected ${expected}`;
}

// A connection URL that fails validation may still carry a real password (`scheme://user:password@host`).
function redactUserinfo(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/\/\/\S*@/g, '//(hidden)@') : value;
}
