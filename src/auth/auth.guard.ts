import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain-error.js';
import { RateLimiter, type HeaderTarget } from '../rate-limit/rate-limiter.js';
import type { Actor, Role } from '../actor/actor.js';
import { Authenticator, type Authentication } from './authenticator.js';
import { PUBLIC_KEY, ROLES_KEY } from '../actor/roles.decorator.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CHARGED = Symbol('tierdesk:rate-limit-charged');

type RequestLike = { headers: Record<string, unknown>; user?: Actor; ip?: string; method?: string };

/**
 * The one global guard, in this order for every request (REST) and operation (GraphQL):
 * 1. authenticate the bearer credential (once per request, see Authenticator);
 * 2. charge the rate limit: a verified caller's bucket is their credential, anything else pays by client address
 *    (X-Forwarded-For honoured with TRUST_PROXY), so made-up bearers share one bucket; reads cost 1, writes (and
 *    GraphQL mutations) 2, refused requests too;
 * 3. apply the handler's @Roles (@AnyCaller: anyone, the caller known when a valid credential came). Deny by default: a handler with neither @Roles nor @Public is refused for everyone,
 *    so a forgotten rule fails closed (and fails the route-table test).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { request, reply, operation, charge } = this.partsOf(context);
    const outcome = await this.authenticator.authenticate(request);
    // Subscriptions are long-lived sockets, not requests; their operations are not metered.
    if (operation !== 'subscription' && charge) {
      const cost = operation ? (operation === 'mutation' ? 2 : 1) : WRITE_METHODS.has(request.method ?? '') ? 2 : 1;
      await this.limiter.charge(bucketOf(outcome, request), cost, reply);
    }
    const targets = [context.getHandler(), context.getClass()];
    const open = this.reflector.getAllAndOverride<true | 'any-caller' | undefined>(PUBLIC_KEY, targets);
    if (open === true) return true;
    if ('refused' in outcome) throw outcome.refused;
    if ('anonymous' in outcome) {
      if (open === 'any-caller') return true;
      throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required', [], { 'WWW-Authenticate': 'Bearer' });
    }
    request.user = outcome.actor;
    if (open === 'any-caller') return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || !roles.includes(outcome.actor.role)) throw new DomainError('FORBIDDEN', 'Your role may not do this');
    return true;
  }

  /** The request, where the headers go, the GraphQL operation type, and whether this is the first check to charge it. */
  private partsOf(context: ExecutionContext): {
    request: RequestLike;
    reply: HeaderTarget | undefined;
    operation?: string;
    charge: boolean;
  } {
    if (context.getType<string>() !== 'graphql') {
      const request = context.switchToHttp().getRequest<FastifyRequest & RequestLike>();
      return { request, reply: context.switchToHttp().getResponse<FastifyReply>(), charge: firstCharge(request) };
    }
    // The guard runs for each root field of an operation; the operation (its context) is charged once.
    const gql = GqlExecutionContext.create(context);
    const ctx = gql.getContext<{ req: RequestLike; reply?: FastifyReply }>();
    return { request: ctx.req, reply: ctx.reply, operation: gql.getInfo()?.operation?.operation, charge: firstCharge(ctx) };
  }
}

function firstCharge(holder: object): boolean {
  const marked = holder as { [CHARGED]?: true };
  if (marked[CHARGED]) return false;
  marked[CHARGED] = true;
  return true;
}

/**
 * A verified caller's own bucket: their identity in the host product (the token subject, the same for every token they
 * hold and on every replica) or their API key; the client address otherwise.
 */
export function bucketOf(outcome: Authentication, request: { ip?: string }): string {
  if ('actor' in outcome) return `cred:${outcome.actor.externalId}`;
  return `ip:${request.ip ?? 'unknown'}`;
}
