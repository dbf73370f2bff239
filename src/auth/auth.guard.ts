import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiKeysService, API_KEY_PREFIX } from '../api-keys/api-keys.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Actor, Role } from './actor.js';
import { requestOf } from './current-actor.decorator.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

const unauthenticated = () => new DomainError('UNAUTHENTICATED', 'A valid bearer token is required', [], { 'WWW-Authenticate': 'Bearer' });

/**
 * The global guard: authenticates the bearer credential (an API key `tdk_…` or the host product's JWT), then applies
 * the handler's @Roles. Deny by default: a handler with neither @Roles nor @Public is refused for everyone, so a
 * forgotten rule fails closed (and fails the route-table test).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  override getRequest(context: ExecutionContext) {
    return requestOf(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = requestOf(context);
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    if (bearer?.startsWith(API_KEY_PREFIX)) {
      request.user = (await this.apiKeys.authenticate(bearer)) ?? undefined;
      if (!request.user) throw unauthenticated();
    } else {
      await super.canActivate(context);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const actor = request.user as Actor;
    if (!roles || !roles.includes(actor.role)) throw new DomainError('FORBIDDEN', 'Your role may not do this');
    return true;
  }

  override handleRequest<T>(error: unknown, actor: T | false): T {
    if (error || !actor) throw unauthenticated();
    return actor;
  }
}
