import { createHash } from 'node:crypto';
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerRequest } from '@nestjs/throttler';
import { DomainError } from '../common/errors/domain-error.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Per-credential rate limit with the IETF `RateLimit-*` headers on every routed response. Runs before authentication so
 * refused requests count too: the bucket is the bearer credential (hashed) or, without one, the client address.
 * Writes cost two requests. (Unknown paths are answered 404 by the router before any guard, so they are not counted.)
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  override getRequestResponse(context: ExecutionContext) {
    if (context.getType<string>() === 'graphql') {
      const ctx = GqlExecutionContext.create(context).getContext();
      return { req: ctx.req, res: ctx.reply ?? ctx.req?.raw };
    }
    return { req: context.switchToHttp().getRequest(), res: context.switchToHttp().getResponse() };
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Subscriptions are long-lived sockets, not requests; their operations are not metered here.
    if (context.getType<string>() === 'graphql' && GqlExecutionContext.create(context).getInfo()?.operation?.operation === 'subscription') return true;
    return super.canActivate(context);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const authorization = (req.headers as Record<string, string | undefined>)?.authorization;
    if (authorization) return `cred:${createHash('sha256').update(authorization).digest('base64url').slice(0, 32)}`;
    return `ip:${req.ip as string}`;
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { req } = this.getRequestResponse(props.context);
    if (WRITE_METHODS.has(req.method) || props.context.getType<string>() === 'graphql' && isMutation(props.context)) {
      // The extra hit makes a write cost two; the guard's own hit below is the second.
      const key = props.generateKey(props.context, await props.getTracker(req, props.context), props.throttler.name!);
      await this.storageService.increment(key, props.ttl, props.limit, props.blockDuration, props.throttler.name!);
    }
    return super.handleRequest(props);
  }

  /** One bucket per credential across all routes (the library's default key is per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const headers = {
      'Retry-After': String(detail.timeToBlockExpire),
      'RateLimit-Limit': String(detail.limit),
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(detail.timeToBlockExpire),
    };
    throw new DomainError('RATE_LIMITED', 'Too many requests; retry after the number of seconds in Retry-After', [], headers);
  }
}

function isMutation(context: ExecutionContext): boolean {
  return GqlExecutionContext.create(context).getInfo()?.operation?.operation === 'mutation';
}
