import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { encryptionMaterial } from '../auth/jwt-secret.js';
import { SecretBox } from '../common/secrets/secret-box.js';
import { AppConfig } from '../config/app-config.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const CONTEXT = 'webhook-signing-secret';

/** Signing secrets must be usable for signing, so unlike API keys they are stored encrypted (SecretBox), not hashed. */
@Injectable()
export class WebhookSecrets {
  private box: SecretBox | null = null;

  constructor(private readonly config: AppConfig) {}

  /** `whsec_` + 24 random bytes in base64: the form the Standard Webhooks libraries take. */
  generate(): string {
    return WEBHOOK_SECRET_PREFIX + randomBytes(24).toString('base64');
  }

  encrypt(secret: string): string {
    return this.key().seal(secret, CONTEXT);
  }

  decrypt(stored: string): string {
    return this.key().open(stored, CONTEXT);
  }

  private key(): SecretBox {
    return (this.box ??= SecretBox.derived(encryptionMaterial(this.config), 'webhook-secrets'));
  }
}
