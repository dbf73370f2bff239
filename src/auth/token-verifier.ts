import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import jwt, { type Algorithm, type JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { resolveJwtSecret } from './jwt-secret.js';

export type Claims = JwtPayload & Record<string, unknown>;

/**
 * Verifies the host product's JWTs with jsonwebtoken — HS256 with JWT_SECRET and/or RS256/ES256 from JWT_JWKS_URL (keys
 * cached by jwks-rsa, refetched on an unknown `kid`) — enforcing the algorithms, issuer, audience, expiry and
 * not-before with a small clock skew; `exp` is required. A verified token's claims are cached until it expires, so
 * only its first request pays for the signature.
 */
@Injectable()
export class TokenVerifier {
  private readonly secret: KeyObject | undefined;
  private readonly jwks: JwksClient | undefined;
  private readonly algorithms: Algorithm[];
  private readonly verified: LRUCache<string, Claims> | null;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    const { auth } = config;
    const secret = auth.jwtSecret ?? (auth.jwksUrl ? undefined : resolveJwtSecret(config));
    // A KeyObject: given a string, jsonwebtoken first tries (and fails) to read it as a public key on every verify.
    this.secret = secret ? createSecretKey(Buffer.from(secret)) : undefined;
    this.jwks = auth.jwksUrl
      ? new JwksClient({ jwksUri: auth.jwksUrl, cache: true, cacheMaxAge: 10 * 60_000, rateLimit: true, jwksRequestsPerMinute: 10 })
      : undefined;
    this.algorithms = [...(this.secret ? (['HS256'] as const) : []), ...(this.jwks ? (['RS256', 'ES256'] as const) : [])];
    this.verified = auth.cacheSize > 0 ? new LRUCache<string, Claims>({ max: auth.cacheSize }) : null;
  }

  /** The token's claims, or null when it is not a valid, current token of ours. */
  async verify(token: string): Promise<Claims | null> {
    const cached = this.verified?.get(token);
    if (cached) {
      if (cached.exp! + this.config.auth.clockSkewSeconds > this.clock.now() / 1000) return cached;
      this.verified!.delete(token);
      return null;
    }
    const claims = await this.verifySignature(token);
    // A token without expiry would be valid forever.
    if (!claims || typeof claims.exp !== 'number') return null;
    const lifetimeMs = claims.exp * 1000 - this.clock.now();
    if (lifetimeMs > 0) this.verified?.set(token, claims, { ttl: lifetimeMs });
    return claims;
  }

  private async verifySignature(token: string): Promise<Claims | null> {
    const header = jwt.decode(token, { complete: true })?.header;
    if (!header || !this.algorithms.includes(header.alg as Algorithm)) return null; // alg none, or one we do not take
    const key = header.alg.startsWith('HS') ? this.secret : await this.publicKey(header.kid);
    if (!key) return null;
    const { auth } = this.config;
    try {
      const claims = jwt.verify(token, key, {
        algorithms: this.algorithms,
        issuer: auth.issuer,
        audience: auth.audience,
        clockTolerance: auth.clockSkewSeconds,
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      });
      return typeof claims === 'string' ? null : (claims as Claims);
    } catch {
      return null; // a bad signature, issuer, audience or time: the token is not valid, which is not our error
    }
  }

  private async publicKey(kid: string | undefined): Promise<string | undefined> {
    if (!this.jwks) return undefined;
    try {
      return (await this.jwks.getSigningKey(kid)).getPublicKey();
    } catch (error) {
      // A kid the set does not hold is the token's fault; the set being unreachable is ours (503 upstream).
      if (['SigningKeyNotFoundError', 'JwksError', 'JwksRateLimitError'].includes((error as Error).name)) return undefined;
      throw error;
    }
  }
}
