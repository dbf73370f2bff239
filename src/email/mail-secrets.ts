import { Injectable } from '@nestjs/common';
import { encryptionMaterial } from '../auth/jwt-secret.js';
import { SecretBox } from '../common/secrets/secret-box.js';
import { AppConfig } from '../config/app-config.js';

/** Seals and opens mailbox passwords, each bound to its mailbox and direction. */
@Injectable()
export class MailSecrets {
  private box: SecretBox | null = null;

  constructor(private readonly config: AppConfig) {}

  seal(plain: string, mailboxId: string, which: 'inbound' | 'outbound'): string {
    return this.key().seal(plain, `mailbox:${mailboxId}:${which}`);
  }

  open(sealed: string, mailboxId: string, which: 'inbound' | 'outbound'): string {
    return this.key().open(sealed, `mailbox:${mailboxId}:${which}`);
  }

  private key(): SecretBox {
    return (this.box ??= SecretBox.derived(encryptionMaterial(this.config), 'mail-passwords'));
  }
}
