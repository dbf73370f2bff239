import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { decode, type Algorithm } from 'jsonwebtoken';
import { passportJwtSecret } from 'jwks-rsa';
import { LRUCache } from 'lru-cache';
import { ExtractJwt, Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { ROLES, type Actor, type Role } from './actor.js';
import { resolveJwtSecret } from './jwt-secret.js';

type Claims = Record<string, unknown> & { exp?: number };
const extractToken = ExtractJwt.fromAuthHeaderAsBearerToken();
const text = (value: unknown, max: number) => (typeof value === 'string' && value.length > 0 && value.length <= max ? value : null);

/**
 * Verifies the host product's JWT — HS256 with JWT_SECRET and/or RS256/ES256 from JWT_JWKS_URL (keys cached, refetched
 * on an unknown `kid`) — enforcing issuer, audience, expiry and not-before with a small clock skew, then resolves the
 * user (created just in time). A verified token's claims are cached until it expires, so repeat requests skip the
 * signature check; the user lookup still runs, so deactivation takes effect at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly verified: LRUCache<string, Claims> | null;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {
    const { auth } = config;
    const secret = auth.jwtSecret ?? (auth.jwksUrl ? undefined : resolveJwtSecret(config));
    const jwks = auth.jwksUrl
      ? passportJwtSecret({ jwksUri: auth.jwksUrl, cache: true, cacheMaxAge: 10 * 60_000, rateLimit: true, jwksRequestsPerMinute: 10 })
      : undefined;
    const keyFor: SecretOrKeyProvider = (request, rawJwt, done) => {
      const alg = (decode(rawJwt as string, { complete: true })?.header.alg ?? '') as string;
      if (alg.startsWith('HS')) return secret ? done(null, secret) : done(new Error('HS256 tokens are not accepted'));
      return jwks ? jwks(request, rawJwt, done) : done(new Error('asymmetric tokens need JWT_JWKS_URL'));
    };
    const algorithms: Algorithm[] = [...(secret ? (['HS256'] as const) : []), ...(jwks ? (['RS256', 'ES256'] as const) : [])];
    super({
      jwtFromRequest: extractToken,
      secretOrKeyProvider: keyFor,
      algorithms,
      issuer: auth.issuer,
      audience: auth.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: auth.clockSkewSeconds },
      passReqToCallback: true,
    });
    this.verified = auth.cacheSize > 0 ? new LRUCache<string, Claims>({ max: auth.cacheSize }) : null;
  }

  override authenticate(request: Parameters<Strategy['authenticate']>[0], options?: object): void {
    const token = extractToken(request);
    const claims = token ? this.verified?.get(token) : undefined;
    if (!claims) return super.authenticate(request, options);
    if ((claims.exp ?? 0) + this.config.auth.clockSkewSeconds <= Date.now() / 1000) {
      this.verified!.delete(token!);
      return this.fail('token expired', 401);
    }
    this.toActor(claims).then(
      (actor) => (actor ? this.success(actor) : this.fail('invalid claims', 401)),
      (error: unknown) => this.error(error as Error),
    );
  }

  /** Called by passport-jwt after the signature, issuer, audience and times were checked. */
  async validate(request: FastifyRequest, claims: Claims): Promise<Actor | false> {
    if (typeof claims.exp !== 'number') return false; // a token without expiry would be valid forever
    const token = extractToken(request as never)!;
    const lifetimeMs = claims.exp * 1000 - Date.now();
    if (lifetimeMs > 0) this.verified?.set(token, claims, { ttl: lifetimeMs });
    return this.toActor(claims);
  }

  private async toActor(claims: Claims): Promise<Actor | false> {
    const names = this.config.auth.claims;
    const externalId = text(claims[names.sub], 255);
    const role = claims[names.role] === undefined ? 'customer' : claims[names.role];
    if (!externalId || !ROLES.includes(role as Role)) return false;
    return this.users.resolveFromClaims({
      externalId,
      role: role as Role,
      email: text(claims[names.email], 320),
      name: text(claims[names.name], 255),
      organizationKey: text(claims[names.org], 255),
    });
  }
}
