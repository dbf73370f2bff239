import { Injectable, Logger } from '@nestjs/common';
import { resolveJwtSecret } from '../auth/jwt-secret.js';
import { SecretBox } from '../common/secrets/secret-box.js';
import { AppConfig } from '../config/app-config.js';

/** Seals and opens mailbox passwords with MAIL_SECRET_KEY, or (with a warning) a key derived from the JWT secret. */
@Injectable()
export class MailSecrets {
  private readonly logger = new Logger('Mail');
  private box: SecretBox | null = null;

  constructor(private readonly config: AppConfig) {}

  seal(plain: string, mailboxId: string, which: 'inbound' | 'outbound'): string {
    return this.key().seal(plain, `mailbox:${mailboxId}:${which}`);
  }

  open(sealed: string, mailboxId: string, which: 'inbound' | 'outbound'): string {
    return this.key().open(sealed, `mailbox:${mailboxId}:${which}`);
  }

  private key(): SecretBox {
    if (this.box) return this.box;
    if (this.config.mail.secretKey) return (this.box = SecretBox.fromKey(this.config.mail.secretKey));
    this.logger.warn(
      'MAIL_SECRET_KEY is not set: mail passwords are encrypted with a key derived from the JWT secret (rotating that secret makes them unreadable)',
    );
    return (this.box = SecretBox.derived(resolveJwtSecret(this.config), 'mail-passwords'));
  }
}
