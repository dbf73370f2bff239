import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config.js';
import { ROLES, type Actor, type Role } from './actor.js';
import { resolveJwtSecret } from './jwt-secret.js';

interface Claims {
  sub?: unknown;
  role?: unknown;
  email?: unknown;
  name?: unknown;
  org?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

/** Verifies the host product's HS256 JWT and turns its claims into the Actor. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: resolveJwtSecret(config),
      algorithms: ['HS256'],
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: 30 },
    });
  }

  validate(claims: Claims): Actor | false {
    const id = text(claims.sub);
    if (!id) return false;
    const role = claims.role === undefined ? 'customer' : claims.role;
    if (!ROLES.includes(role as Role)) return false;
    return { id, role: role as Role, email: text(claims.email), name: text(claims.name), org: text(claims.org), scope: `user:${id}` };
  }
}
