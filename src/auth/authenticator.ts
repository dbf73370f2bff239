import { Injectable, Logger } from '@nestjs/common';
import { ApiKeysService, API_KEY_PREFIX } from '../api-keys/api-keys.service.js';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { IdentityChanges } from '../identity/identity-changes.js';
import { AppConfig } from '../config/app-config.js';
import { TiersService } from '../tiers/tiers.service.js';
import { UsersService } from '../users/users.service.js';
import { ROLES, type Actor, type Role } from '../actor/actor.js';
import { TokenVerifier, type Claims } from './token-verifier.js';

/** Who sent a request: a verified caller, nobody (no credential), or a credential refused with this error. */
export type Authentication = { actor: Actor } | { anonymous: true } | { refused: DomainError };

const OUTCOME = Symbol('tierdesk:authentication');
const BEARER = /^Bearer\s+(\S+)$/i;
const text = (value: unknown, max: number) => (typeof value === 'string' && value.length > 0 && value.length <= max ? value : null);
const unauthenticated = () => new DomainError('UNAUTHENTICATED', 'A valid bearer token is required', [], { 'WWW-Authenticate': 'Bearer' });
const unavailable = () =>
  new DomainError('SERVICE_UNAVAILABLE', 'Authentication is unavailable for a moment; retry shortly', [], { 'Retry-After': '1' });

/**
 * Authenticates a request's bearer credential (an API key `tdk_…` or the host product's JWT) once per request: the rate
 * limit keys on the outcome (a verified caller by credential, anything else by address) and access rules read it.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly tokens: TokenVerifier,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
    private readonly tiers: TiersService,
    private readonly config: AppConfig,
    private readonly identities: IdentityChanges,
    private readonly clock: Clock,
  ) {
    this.actors = config.auth.cacheSize > 0 ? new LRUCache({ max: config.auth.cacheSize }) : null;
    identities.subscribe(() => this.generation++);
  }

  private readonly actors: LRUCache<string, { actor: Actor; generation: number; validUntil: number }> | null;
  private generation = 0;

  /** The outcome for `request`, computed on first call and remembered on the request object. */
  authenticate(request: { headers: Record<string, unknown> }): Promise<Authentication> {
    const holder = request as { [OUTCOME]?: Promise<Authentication> };
    return (holder[OUTCOME] ??= this.outcome(request.headers.authorization));
  }

  /**
   * The caller as they are now, for a caller whose access is re-checked after authentication (a live subscription):
   * null once their credential has expired or been revoked, or their user deactivated. From the identity caches.
   */
  async current(actor: Actor): Promise<Actor | null> {
    if (actor.expiresAt !== undefined && actor.expiresAt <= this.clock.now()) return null;
    const now = actor.apiKeyId ? await this.apiKeys.current(actor.apiKeyId) : await this.users.current(actor.id);
    return now && { ...now, expiresAt: actor.expiresAt };
  }

  private async outcome(header: unknown): Promise<Authentication> {
    if (header === undefined || header === '') return { anonymous: true };
    const bearer = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!bearer) return { refused: unauthenticated() };
    try {
      const actor = bearer.startsWith(API_KEY_PREFIX) ? await this.apiKeys.authenticate(bearer) : await this.fromToken(bearer);
      return actor ? { actor } : { refused: unauthenticated() };
    } catch (error) {
      if (error instanceof DomainError) return { refused: error };
      // A caller we could not look up is not a caller we refused: an infrastructure failure is 503, logged, never a
      // 401 that would sign every client out.
      this.logger.error({ err: error }, 'authentication lookup failed');
      return { refused: unavailable() };
    }
  }

  /**
   * A token seen before answers from memory until it expires or anything about anyone's identity changes (the
   * generation moves on every IdentityChanges notice): the hot path of an authenticated request is one map lookup.
   * Actors are shared by the requests of a token and never mutated.
   */
  private async fromToken(token: string): Promise<Actor | null> {
    const hit = this.identities.trustworthy ? this.actors?.get(token) : undefined;
    if (hit && hit.generation === this.generation && hit.validUntil > this.clock.now()) return hit.actor;
    const generation = this.generation;
    const actor = await this.resolveToken(token);
    if (actor && generation === this.generation) {
      this.actors?.set(token, { actor, generation, validUntil: actor.expiresAt! + this.config.auth.clockSkewSeconds * 1000 });
    }
    return actor;
  }

  private async resolveToken(token: string): Promise<Actor | null> {
    const claims = await this.tokens.verify(token);
    if (!claims) return null;
    const identity = this.identityOf(claims);
    if (!identity) return null;
    const { created, ...actor } = await this.users.resolveFromClaims(identity);
    if (created && actor.role !== 'customer') {
      const tierId = await this.tiers.joinFirstLine(actor.id);
      if (tierId) actor.access = { tierIds: [tierId], organizationSharesTickets: false };
    }
    return { ...actor, expiresAt: claims.exp! * 1000 };
  }

  private identityOf(claims: Claims) {
    const names = this.config.auth.claims;
    const externalId = text(claims[names.sub], 255);
    const role = claims[names.role] === undefined ? 'customer' : claims[names.role];
    if (!externalId || !ROLES.includes(role as Role)) return null;
    return {
      externalId,
      role: role as Role,
      email: text(claims[names.email], 320),
      name: text(claims[names.name], 255),
      organizationKey: text(claims[names.org], 255),
    };
  }
}
