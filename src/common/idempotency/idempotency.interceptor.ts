import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, concatMap, from, of, type Observable } from 'rxjs';
import { failpoint } from '../failpoints/failpoints.js';
import type { Actor } from '../../actor/actor.js';
import { etagOf } from '../http/etag.js';
import { IDEMPOTENT_RESPONSE } from './idempotency.metadata.js';
import { IdempotencyService, withoutFields, type StoredResponse } from './idempotency.service.js';
import type { UnitOfWork } from '../../database/unit-of-work.js';

const HTTP_CODE_METADATA = '__httpCode__';
const NOT_STORED_KEY = 'tierdesk:idempotency-not-stored';

/**
 * Response fields never written to the idempotency store (secrets are only kept hashed): a replay returns them as null.
 */
export const NotStoredForReplay = (...fields: string[]) => SetMetadata(NOT_STORED_KEY, fields);

/**
 * Applies `Idempotency-Key` to every REST POST: claim → run, storing the response in the write's own transaction (see
 * @Idempotent) → or replay with `Idempotent-Replayed: true`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Actor }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    const handler = context.getHandler();
    if (request.method !== 'POST' || key === undefined) return next.handle();
    const keyValue = Array.isArray(key) ? key.join(',') : key;
    IdempotencyService.assertValidKey(keyValue);

    // Anonymous callers (the public knowledge base) keep their keys apart by client address.
    const scope = request.user?.scope ?? `anonymous:${request.ip}`;
    const fingerprint = IdempotencyService.fingerprint(request.method, request.url, request.body);
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, handler) ?? HttpStatus.CREATED;
    const notStored = this.reflector.get<string[]>(NOT_STORED_KEY, handler) ?? [];
    const respond = this.reflector.get<(result: unknown) => unknown>(IDEMPOTENT_RESPONSE, handler);

    return from(this.idempotency.claim(scope, keyValue, fingerprint)).pipe(
      concatMap((claim) => {
        if (claim.kind === 'replay') {
          reply.headers({ ...claim.response.headers, 'idempotent-replayed': 'true' });
          return of(claim.response.body);
        }
        // The handler's write transaction stores the response before it commits (see writeTransaction).
        let stored = false;
        if (respond && request.user) {
          const unitOfWork: UnitOfWork = {
            beforeCommit: async (em, result) => {
              await this.idempotency.complete(scope, keyValue, storedResponse(status, withoutFields(respond(result), notStored)), em);
              stored = true;
            },
          };
          request.user = { ...request.user, unitOfWork };
        }
        return next.handle().pipe(
          concatMap(async (body) => {
            failpoint('idempotency.after-commit');
            // A handler that wrote nothing in a transaction of its own (or none at all): stored now.
            if (!stored) await this.idempotency.complete(scope, keyValue, storedResponse(status, withoutFields(body, notStored)));
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.idempotency.release(scope, keyValue);
            throw error;
          }),
        );
      }),
    );
  }
}

/** What a replay answers: the status, the body, and the headers derived from it (the ETag of a versioned resource). */
function storedResponse(status: number, body: unknown): StoredResponse {
  const version = (body as { version?: unknown } | null)?.version;
  return { status, body, headers: typeof version === 'number' ? { etag: etagOf(version) } : {} };
}
