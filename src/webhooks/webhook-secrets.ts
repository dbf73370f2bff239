import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { resolveJwtSecret } from '../auth/jwt-secret.js';
import { AppConfig } from '../config/app-config.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const VERSION = 'v1';

/**
 * Signing secrets must be usable for signing, so unlike API keys they are stored encrypted, not hashed: AES-256-GCM
 * under a key derived (HKDF-SHA256) from WEBHOOK_SECRET_KEY, or from the JWT secret when that is unset.
 */
@Injectable()
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    const material = config.webhooks.secretKey ?? resolveJwtSecret(config);
    this.key = Buffer.from(hkdfSync('sha256', material, 'tierdesk', 'webhook-secrets', 32));
  }

  /** `whsec_` + 24 random bytes in base64: the form the Standard Webhooks libraries take. */
  generate(): string {
    return WEBHOOK_SECRET_PREFIX + randomBytes(24).toString('base64');
  }

  encrypt(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join('.');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, data] = stored.split('.');
    if (version !== VERSION) throw new Error('Unknown webhook secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}
