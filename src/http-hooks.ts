import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bucketOf } from './auth/auth.guard.js';
import { Authenticator } from './auth/authenticator.js';
import type { AppConfig } from './config/app-config.js';
import { MetricsService } from './health/metrics.service.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { DomainError, type FieldError } from './common/errors/domain-error.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './common/errors/problem.js';
import { documentNesting, MAX_BODY_DEPTH, MAX_DOCUMENT_NESTING, pathBeyondDepth } from './common/validation/json-limits.js';
import { etagOf } from './common/http/etag.js';
import { APP_LOGGER, requestLogLine } from './common/http/logger-options.js';
import { REQUEST_ID_HEADER } from './common/http/request-id.js';

/**
 * What every HTTP request goes through besides its route: one Fastify hook per phase, callback style (each hook is a
 * step of every request, and an async one a promise more).
 */
export function installHttpHooks(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  const logLine = requestLogLine(app.get(APP_LOGGER));
  const authenticator = app.get(Authenticator);
  const limiter = app.get(RateLimiter);

  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    if (!request.is404) return done();
    // Unmatched paths are answered by the router before any guard: charged here alike (by credential or address), and
    // they carry the RateLimit-* headers too.
    authenticator
      .authenticate(request)
      .then((outcome) => limiter.charge(bucketOf(outcome, request), 1, reply))
      .then(
        () => done(),
        (error: unknown) => {
          const { problem, headers } = toProblem(error);
          reply
            .status(problem.status)
            .headers(headers)
            .type(PROBLEM_CONTENT_TYPE)
            .send({ ...problem, instance: request.url });
        },
      );
  });

  // A JSON body nested past MAX_BODY_DEPTH is refused before anything recursive (class-transformer, the idempotency
  // fingerprint, JSON.stringify) walks it: 10,000 levels overflowed the stack and answered 500. JSON.parse is iterative.
  // Likewise a GraphQL document, before graphql-js's recursive parser sees it; and a GraphQL batch is capped so one HTTP
  // request cannot carry unbounded work.
  fastify.addHook('preValidation', (request, reply, done) => {
    const graphql = request.routeOptions.url === '/graphql';
    if (!graphql && request.body === undefined) return done();
    const refusal = tooDeep(graphql, request.body) ?? (graphql ? tooNested(request.body, request.query) : null);
    if (refusal) {
      const error = DomainError.validation([refusal]);
      if (graphql)
        return void reply
          .status(400)
          .send({ errors: [{ message: error.detail, extensions: { code: error.code, status: 400, errors: error.errors } }] });
      return void reply
        .status(400)
        .type(PROBLEM_CONTENT_TYPE)
        .send({ ...toProblem(error).problem, instance: request.url });
    }
    if (graphql && Array.isArray(request.body) && request.body.length > config.graphql.maxBatch) {
      const message = `A batch may hold at most ${config.graphql.maxBatch} operations`;
      return void reply.status(400).send({ errors: [{ message, extensions: { code: 'VALIDATION_FAILED', status: 400 } }] });
    }
    done();
  });

  // `ETag: "<version>"` on every response whose body carries a version (a single resource; a replay already has it).
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    const version = (payload as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && !reply.hasHeader('etag')) reply.header('ETag', etagOf(version));
    done(null, payload);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    logLine(request, reply);
    done();
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
