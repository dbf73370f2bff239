import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/errors/domain-error.js';
import type { Actor, Role } from './actor.js';
import { requestOf } from './current-actor.decorator.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

/**
 * The global guard: authenticates the bearer credential, then applies the handler's @Roles. Deny by default: a
 * handler with neither @Roles nor @Public is refused for everyone, so a forgotten rule fails closed (and a test).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override getRequest(context: ExecutionContext) {
    return requestOf(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const actor = requestOf(context).user as Actor;
    if (!roles || !roles.includes(actor.role)) throw new DomainError('FORBIDDEN', 'Your role may not do this');
    return true;
  }

  override handleRequest<T>(error: unknown, actor: T | false): T {
    if (error || !actor) throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required', [], { 'WWW-Authenticate': 'Bearer' });
    return actor;
  }
}
