import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, concatMap, from, of, type Observable } from 'rxjs';
import { IdempotencyService } from './idempotency.service.js';

const HTTP_CODE_METADATA = '__httpCode__';
const NOT_STORED_KEY = 'tierdesk:idempotency-not-stored';

/**
 * Response fields never written to the idempotency store (secrets are only kept hashed): a replay returns them as null.
 */
export const NotStoredForReplay = (...fields: string[]) => SetMetadata(NOT_STORED_KEY, fields);
// Response headers worth replaying; the rest (dates, rate limits, request id) belong to the new request.
const REPLAYED_HEADERS = ['etag', 'location'];

/** Applies `Idempotency-Key` to every REST POST: claim → run → store, or replay with `Idempotent-Replayed: true`. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: { scope?: string } }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    const keyValue = Array.isArray(key) ? key.join(',') : key;
    IdempotencyService.assertValidKey(keyValue);

    const scope = request.user?.scope ?? 'anonymous';
    const fingerprint = IdempotencyService.fingerprint(request.method, request.url, request.body);
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    const notStored = this.reflector.get<string[]>(NOT_STORED_KEY, context.getHandler()) ?? [];

    return from(this.idempotency.claim(scope, keyValue, fingerprint)).pipe(
      concatMap((claim) => {
        if (claim.kind === 'replay') {
          reply.headers({ ...claim.response.headers, 'idempotent-replayed': 'true' });
          return of(claim.response.body);
        }
        return next.handle().pipe(
          concatMap(async (body) => {
            const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (reply.hasHeader(h) ? [[h, String(reply.getHeader(h))]] : [])));
            await this.idempotency.complete(scope, keyValue, { status, body: withoutFields(body, notStored), headers });
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

/** The body with `fields` set to null, as stored for replay. */
export function withoutFields<T>(body: T, fields: string[]): T {
  if (!fields.length || !body || typeof body !== 'object') return body;
  return { ...body, ...Object.fromEntries(fields.map((f) => [f, null])) };
}
