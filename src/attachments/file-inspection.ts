import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { DomainError } from '../common/errors/domain-error.js';
import type { AttachmentKind } from './attachment.entity.js';
import { extensionOf } from './filename.js';

/** Bytes read before deciding what a file is. */
export const SNIFF_BYTES = 64 * 1024;

export interface Inspection {
  contentType: string;
  kind: AttachmentKind;
  /** Container formats whose decompressed size must be bounded. */
  compressed: 'gzip' | 'zip' | null;
  width: number | null;
  height: number | null;
}

// The allow-list: sniffed type → the extensions a client may use for it.
const BINARY: Record<string, { kind: AttachmentKind; extensions: string[]; compressed?: 'gzip' | 'zip' }> = {
  'image/png': { kind: 'image', extensions: ['png'] },
  'image/jpeg': { kind: 'image', extensions: ['jpg', 'jpeg'] },
  'image/gif': { kind: 'image', extensions: ['gif'] },
  'image/webp': { kind: 'image', extensions: ['webp'] },
  'application/pdf': { kind: 'document', extensions: ['pdf'] },
  'application/zip': { kind: 'archive', extensions: ['zip'], compressed: 'zip' },
  'application/gzip': { kind: 'archive', extensions: ['gz', 'gzip', 'tgz'], compressed: 'gzip' },
};
// Text is a log only under these names ('' = no extension), with the type it is served as. Any other name is refused:
// served with nosniff it cannot run in the browser, but saved as `.html`, `.hta`, `.bat` or `.ps1` it runs on a
// double-click. Nothing opens a file without an extension, and syslog-style names (`messages`, `dmesg`) are common.
const TEXT: Record<string, string> = {
  '': 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  har: 'application/json',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
};
const TEXT_NAMES =
  Object.keys(TEXT)
    .filter(Boolean)
    .map((e) => `.${e}`)
    .join(', ') + ' or have no extension';
// Markup a browser would render or run: refused even though it is text.
const MARKUP = /^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object)/i;

/**
 * What a file really is, from its first bytes: the client's Content-Type and extension are only checked against it
 * (a PNG named `.log`, or HTML claiming `image/png`, is refused). 415 for anything outside the allow-list.
 */
export async function inspect(head: Buffer, filename: string, declaredType: string | undefined): Promise<Inspection> {
  const ext = extensionOf(filename);
  const declared = (declaredType ?? '').split(';')[0].trim().toLowerCase();
  const sniffed = await fileTypeFromBuffer(head);
  if (sniffed) {
    const allowed = BINARY[sniffed.mime];
    if (!allowed) throw unsupported(`${sniffed.mime} files are not accepted`);
    if (ext && !allowed.extensions.includes(ext)) throw unsupported(`The content is ${sniffed.mime} but the name says .${ext}`);
    if (
      declared &&
      declared !== 'application/octet-stream' &&
      declared !== sniffed.mime &&
      !(sniffed.mime === 'application/gzip' && declared === 'application/x-gzip')
    ) {
      throw unsupported(`The content is ${sniffed.mime} but was sent as ${declared}`);
    }
    const size = allowed.kind === 'image' ? dimensions(head) : null;
    return {
      contentType: sniffed.mime,
      kind: allowed.kind,
      compressed: allowed.compressed ?? null,
      width: size?.width ?? null,
      height: size?.height ?? null,
    };
  }
  if (!isText(head)) throw unsupported('Unrecognised binary content');
  if (MARKUP.test(head.toString('utf8', 0, 1024))) throw unsupported('HTML, SVG and XML documents are not accepted');
  const contentType = Object.hasOwn(TEXT, ext) ? TEXT[ext] : null;
  if (!contentType) throw unsupported(`Text files named .${ext} are not accepted; logs must be ${TEXT_NAMES}`);
  if (declared && declared !== 'application/octet-stream' && !declared.startsWith('text/') && !declared.includes('json')) {
    throw unsupported(`The content is text but was sent as ${declared}`);
  }
  return { contentType, kind: 'log', compressed: null, width: null, height: null };
}

/** UTF-8 without NUL bytes (a multi-byte character cut at the end of the sample is fine). */
function isText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, trimPartialCharacter(head)));
    return true;
  } catch {
    return false;
  }
}

function trimPartialCharacter(buf: Buffer): number {
  const end = buf.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const byte = buf[end - i];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (byte >= 0xc0) return end - i; // lead byte of a possibly incomplete sequence
    break;
  }
  return end;
}

function dimensions(head: Buffer): { width: number; height: number } | null {
  try {
    const { width, height } = imageSize(head);
    return width && height ? { width, height } : null;
  } catch {
    return null; // dimensions past the sample (rare, e.g. a JPEG with a large EXIF block): unknown
  }
}

function unsupported(detail: string): DomainError {
  return new DomainError('UNSUPPORTED_MEDIA_TYPE', detail, [{ field: 'file', message: detail }]);
}
