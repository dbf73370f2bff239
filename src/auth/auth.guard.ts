import { type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiKeysService, API_KEY_PREFIX } from '../api-keys/api-keys.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Actor, Role } from './actor.js';
import { requestOf } from './current-actor.decorator.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

const unauthenticated = () => new DomainError('UNAUTHENTICATED', 'A valid bearer token is required', [], { 'WWW-Authenticate': 'Bearer' });
const unavailable = () => new DomainError('SERVICE_UNAVAILABLE', 'Authentication is unavailable for a moment; retry shortly', [], { 'Retry-After': '1' });

/**
 * The global guard: authenticates the bearer credential (an API key `tdk_…` or the host product's JWT), then applies
 * the handler's @Roles. Deny by default: a handler with neither @Roles nor @Public is refused for everyone, so a
 * forgotten rule fails closed (and fails the route-table test).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger('Auth');

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
      request.user = (await this.apiKeys.authenticate(bearer).catch((error: unknown) => this.failedLookup(error))) ?? undefined;
      if (!request.user) throw unauthenticated();
    } else {
      await super.canActivate(context);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const actor = request.user as Actor;
    if (!roles || !roles.includes(actor.role)) throw new DomainError('FORBIDDEN', 'Your role may not do this');
    return true;
  }

  /** `error` is set when looking the caller up threw (a verification failure comes as `actor` false instead). */
  override handleRequest<T>(error: unknown, actor: T | false): T {
    if (error) this.failedLookup(error);
    if (!actor) throw unauthenticated();
    return actor;
  }

  // A caller we could not look up is not a caller we refused: an infrastructure failure is 503, logged, never a 401
  // that would sign every client out.
  private failedLookup(error: unknown): never {
    if (error instanceof DomainError) throw error;
    this.logger.error({ err: error }, 'authentication lookup failed');
    throw unavailable();
  }
}
