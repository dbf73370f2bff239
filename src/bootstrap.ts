import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { bucketOf } from './auth/auth.guard.js';
import { Authenticator } from './auth/authenticator.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './common/errors/problem.js';
import { DomainError, type FieldError } from './common/errors/domain-error.js';
import { APP_LOGGER, logRequests } from './common/http/logger-options.js';
import { REQUEST_ID_HEADER, requestIdOf } from './common/http/request-id.js';
import { documentNesting, MAX_BODY_DEPTH, MAX_DOCUMENT_NESTING, pathBeyondDepth } from './common/validation/json-limits.js';
import { armFailpoints } from './common/failpoints/failpoints.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { AppConfig } from './config/app-config.js';
import type { EntityClass } from './database/database.module.js';
import { buildOpenApiDocument, mountDocs } from './docs/openapi.js';
import { MetricsService } from './health/metrics.service.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';

// Headers a browser client may read on cross-origin responses.
const EXPOSED_HEADERS = ['ETag', 'Location', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

export interface CreateAppOptions {
  /** Extra modules and entities (test fixtures). */
  imports?: ModuleMetadata['imports'];
  entities?: EntityClass[];
  /** Keep Nest's own boot logs quiet (tests). */
  quiet?: boolean;
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
    limits: { fileSize: config.attachments.maxBytes, files: config.attachments.maxFiles, parts: config.attachments.maxFiles + 5, fields: 5, fieldSize: 1024 },
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

function installHttpHooks(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  logRequests(fastify, app.get(APP_LOGGER));

  fastify.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  // Unmatched paths are answered by the router before any guard: charged here alike (by credential or address), and
  // they carry the RateLimit-* headers too.
  const authenticator = app.get(Authenticator);
  const limiter = app.get(RateLimiter);
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    try {
      await limiter.charge(bucketOf(await authenticator.authenticate(request), request), 1, reply);
    } catch (error) {
      const { problem, headers } = toProblem(error);
      return reply.status(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send({ ...problem, instance: request.url });
    }
  });
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  // A JSON body nested past MAX_BODY_DEPTH is refused before anything recursive (class-transformer, the idempotency
  // fingerprint, JSON.stringify) walks it: 10,000 levels overflowed the stack and answered 500. JSON.parse is iterative.
  // Likewise a GraphQL document, before graphql-js's recursive parser sees it.
  fastify.addHook('preValidation', async (request, reply) => {
    const graphql = request.routeOptions.url === '/graphql';
    const refusal = tooDeep(graphql, request.body) ?? (graphql ? tooNested(request.body, request.query) : null);
    if (!refusal) return;
    const error = DomainError.validation([refusal]);
    if (graphql) {
      return reply.status(400).send({ errors: [{ message: error.detail, extensions: { code: error.code, status: 400, errors: error.errors } }] });
    }
    return reply.status(400).type(PROBLEM_CONTENT_TYPE).send({ ...toProblem(error).problem, instance: request.url });
  });
  // A GraphQL batch is capped so one HTTP request cannot carry unbounded work.
  fastify.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== '/graphql' || !Array.isArray(request.body)) return;
    if (request.body.length > config.graphql.maxBatch) {
      const message = `A batch may hold at most ${config.graphql.maxBatch} operations`;
      return reply.status(400).send({ errors: [{ message, extensions: { code: 'VALIDATION_FAILED', status: 400 } }] });
    }
  });
}

/** The field a too-deep JSON body names: its top-level key (REST), or the variable and its field (GraphQL). */
function tooDeep(graphql: boolean, body: unknown): FieldError | null {
  const path = pathBeyondDepth(body, MAX_BODY_DEPTH);
  if (!path) return null;
  const inItem = Array.isArray(body) ? path.slice(1) : path; // a GraphQL batch: the operation's own path
  const named = graphql && inItem[0] === 'variables' ? inItem.slice(1, 3) : inItem.slice(0, 1);
  const field = named.length && typeof named[0] === 'string' ? named.join('.') : 'body';
  return { field, message: `${field} may be nested at most ${MAX_BODY_DEPTH} levels deep` };
}

/** A GraphQL document (the body's, each of a batch, or GET's query string) nested past what any real query needs. */
function tooNested(body: unknown, query: unknown): FieldError | null {
  const documents = [...(Array.isArray(body) ? body : [body]), query].map((b) => (b as { query?: unknown } | null | undefined)?.query);
  if (!documents.some((d) => typeof d === 'string' && documentNesting(d) > MAX_DOCUMENT_NESTING)) return null;
  return { field: 'query', message: `query may nest brackets at most ${MAX_DOCUMENT_NESTING} levels deep` };
}
