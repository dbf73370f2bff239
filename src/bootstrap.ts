import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { installHttpHooks } from './http-hooks.js';
import { requestIdOf } from './common/http/request-id.js';
import { armFailpoints } from './common/failpoints/failpoints.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { AppConfig } from './config/app-config.js';
import type { EntityClass } from './database/database.module.js';
import type { EmbeddedPostgres } from './database/embedded-postgres.js';
import { buildOpenApiDocument, mountDocs } from './docs/openapi.js';

// Headers a browser client may read on cross-origin responses.
const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'X-Request-Id',
  'Idempotent-Replayed',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
];

export interface CreateAppOptions {
  /** Extra modules and entities (test fixtures). */
  imports?: ModuleMetadata['imports'];
  entities?: EntityClass[];
  /** Keep Nest's own boot logs quiet (tests). */
  quiet?: boolean;
  /** The embedded database, already starting (main.ts starts it before the app's modules load). */
  embedded?: Promise<EmbeddedPostgres>;
}

/** Builds the fully configured app (not yet listening): main.ts, tests and benchmarks all start it this way. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  armFailpoints(config.failpoints);
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdOf,
    return503OnClosing: true,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, {
    bufferLogs: true,
    abortOnError: false,
    logger: options.quiet ? false : undefined,
  });
  if (!options.quiet) app.useLogger(app.get(Logger));
  // Streams only (parts are read as they arrive); the limits are enforced mid-stream by the parser.
  await app.register(multipart as never, {
    limits: {
      fileSize: config.attachments.maxBytes,
      files: config.attachments.maxFiles,
      parts: config.attachments.maxFiles + 5,
      fields: 5,
      fieldSize: 1024,
    },
    throwFileSizeLimit: true,
  });
  applyRoutePrefix(app);
  app.enableCors({ origin: config.cors.origins, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 });
  app.useGlobalPipes(createValidationPipe());
  installHttpHooks(app, config);
  mountDocs(app, buildOpenApiDocument(app));
  await app.init();
  return app;
}

/** REST lives under /v1; service endpoints stay at the root. Shared with the contract generator. */
export function applyRoutePrefix(app: INestApplication): void {
  app.setGlobalPrefix('v1', { exclude: ['health', 'ready', 'metrics'] });
}
