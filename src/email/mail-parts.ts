import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ParsedMail } from 'mailparser';
import type { AttachmentEntity } from '../attachments/attachment.entity.js';
import { sanitizeFilename } from '../attachments/filename.js';
import { AttachmentStorage } from '../attachments/storage/attachment-storage.js';
import { storeFile } from '../attachments/upload-stream.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AppConfig } from '../config/app-config.js';

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/zip': 'zip',
  'application/gzip': 'gz',
};

/** A file of the mail, written to storage before the import's transaction, under a key derived from the mail. */
export interface StoredPart {
  id: string;
  storageKey: string;
  filename: string;
  contentType: string;
  kind: AttachmentEntity['kind'];
  width: number | null;
  height: number | null;
  size: number;
  sha256: string;
}

/** A mail's files in attachment storage, ahead of the import's transaction, under keys the same on every run. */
@Injectable()
export class MailParts {
  constructor(
    private readonly storage: AttachmentStorage,
    private readonly config: AppConfig,
  ) {}

  /**
   * Every MIME attachment and inline image, then the raw message as `.eml`, through the upload rules (type sniffed
   * from the bytes, the allow-list, ATTACHMENT_MAX_BYTES, archive expansion); a part refused is skipped and noted.
   */
  async store(emailMessageId: string, parsed: ParsedMail, raw: Buffer, notes: string[]): Promise<StoredPart[]> {
    const { maxBytes, maxDecompressedBytes } = this.config.attachments;
    const stored: StoredPart[] = [];
    for (const [index, part] of parsed.attachments.entries()) {
      const type = (part.contentType ?? 'application/octet-stream').toLowerCase();
      const filename = sanitizeFilename(part.filename ?? `part-${index + 1}${EXTENSIONS[type] ? `.${EXTENSIONS[type]}` : ''}`);
      const storageKey = derivedId(emailMessageId, `key:${index}`);
      try {
        const file = await storeFile(
          this.storage,
          Readable.from([part.content]),
          filename,
          type,
          { maxBytes, maxDecompressedBytes },
          async () => storageKey,
        );
        stored.push({
          id: derivedId(emailMessageId, `row:${index}`),
          storageKey,
          filename,
          contentType: file.inspection.contentType,
          kind: file.inspection.kind,
          width: file.inspection.width,
          height: file.inspection.height,
          size: file.size,
          sha256: file.sha256,
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        notes.push(`skipped ${filename}: ${error.detail}`);
      }
    }
    if (raw.length > maxBytes) {
      notes.push(`skipped message.eml: larger than ${maxBytes} bytes`);
      return stored;
    }
    const storageKey = derivedId(emailMessageId, 'key:eml');
    await this.storage.put(storageKey, Readable.from([raw]), { contentType: 'message/rfc822' });
    stored.push({
      id: derivedId(emailMessageId, 'row:eml'),
      storageKey,
      filename: 'message.eml',
      contentType: 'message/rfc822',
      kind: 'other',
      width: null,
      height: null,
      size: raw.length,
      sha256: createHash('sha256').update(raw).digest('hex'),
    });
    return stored;
  }
}

/** A UUID-shaped id derived from a mail and a part: the same on every run of its import. */
export function derivedId(emailMessageId: string, part: string): string {
  const h = createHash('sha256').update(`${emailMessageId}/${part}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
