import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';

/**
 * JWT_SECRET when set. Otherwise (development only: production requires it) a random secret kept in DATA_DIR, so a
 * newcomer's `npm start` and `npm run token` agree without editing anything.
 */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

let warned = false;

/**
 * What the keys of secrets stored encrypted (webhook signing secrets, mail passwords) are derived from: ENCRYPTION_KEY,
 * else the JWT secret (then rotating the JWT secret makes them unreadable, hence the warning).
 */
export function encryptionMaterial(config: AppConfig): string {
  if (config.encryptionKey) return config.encryptionKey;
  if (!warned) {
    warned = true;
    new Logger('Secrets').warn('ENCRYPTION_KEY is not set: stored secrets are encrypted under a key derived from the JWT secret');
  }
  return resolveJwtSecret(config);
}
