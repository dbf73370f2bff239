import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Params } from 'nestjs-pino';
import { pino, type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';

/** The request log's pino logger in Nest's container (see AppModule). */
export const APP_LOGGER = Symbol('APP_LOGGER');

/** Probes and scrapes, polled every few seconds, would drown the request log. */
const UNLOGGED_PATHS = new Set(['/health', '/ready', '/metrics']);

export interface AppLoggers {
  /** Nest's and the services' logs: structured JSON lines; credential headers censored wherever they would appear. */
  app: Logger;
  /** One line per request (see requestLogLine): built here without headers, so it skips the redaction pass. */
  requests: Logger;
}

/**
 * The app's pino loggers, writing to one buffered destination: lines are written in batches of 4 KB or every second,
 * not a system call (and a thread-pool hand-off) per line; pino flushes what is left when the process exits.
 */
export function createLoggers(config: AppConfig): AppLoggers {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });
  return {
    app: pino(
      {
        level: config.logLevel,
        redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'], censor: '[redacted]' },
      },
      destination,
    ),
    requests: pino({ level: config.logLevel }, destination),
  };
}

/**
 * nestjs-pino serves Nest's logger from the given pino logger. Its per-request middleware is left off (no routes): it
 * ran every request through middie, pino-http's child logger and an AsyncLocalStorage, whose promise hooks tax every
 * promise — measured, it more than halved the throughput of `/health`. Requests are logged by `logRequests` instead.
 */
export function loggerOptions(logger: Logger): Params {
  return { pinoHttp: { logger }, forRoutes: [] };
}

/** One line per request, carrying the request id, at a level by status (5xx error, 4xx warn); no headers, so no credentials. */
export function requestLogLine(logger: Logger): (request: FastifyRequest, reply: FastifyReply) => void {
  return (request, reply) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!logger.isLevelEnabled(level) || UNLOGGED_PATHS.has(request.url)) return;
    logger[level](
      {
        req: { id: request.id, method: request.method, url: request.url, remoteAddress: request.ip },
        res: { statusCode: status },
        responseTime: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  };
}
