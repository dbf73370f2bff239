import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Secrets at rest (webhook signing secrets, mail passwords): AES-256-GCM with a random IV per value, stored as `v1:<iv>:<tag>:<ciphertext>`
 * (base64url). The associated data binds a value to where it is stored (`mailbox:<id>:inbound`), so a ciphertext copied
 * into another row or field does not decrypt.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** A key derived (HKDF-SHA256) from other secret material, for one purpose. */
  static derived(material: string, purpose: string): SecretBox {
    return new SecretBox(Buffer.from(hkdfSync('sha256', material, 'tierdesk', purpose, 32)));
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join(':');
  }

  /** Throws when the value was not sealed by this key for this context. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
