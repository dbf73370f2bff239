import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, concatMap, from, of, type Observable } from 'rxjs';
import { IdempotencyService } from './idempotency.service.js';

const HTTP_CODE_METADATA = '__httpCode__';
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

    return from(this.idempotency.claim(scope, keyValue, fingerprint)).pipe(
      concatMap((claim) => {
        if (claim.kind === 'replay') {
          reply.headers({ ...claim.response.headers, 'idempotent-replayed': 'true' });
          return of(claim.response.body);
        }
        return next.handle().pipe(
          concatMap(async (body) => {
            const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (reply.hasHeader(h) ? [[h, String(reply.getHeader(h))]] : [])));
            await this.idempotency.complete(scope, keyValue, { status, body, headers });
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
