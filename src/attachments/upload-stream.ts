import { createHash } from 'node:crypto';
import { Readable, Transform, Writable, pipeline, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parse as ParseZip } from 'unzipper';
import { DomainError } from '../common/errors/domain-error.js';
import { inspect, SNIFF_BYTES, type Inspection } from './file-inspection.js';
import type { AttachmentStorage } from './storage/attachment-storage.js';

export interface StoredFile {
  storageKey: string;
  size: number;
  sha256: string;
  inspection: Inspection;
}

export interface UploadLimits {
  maxBytes: number;
  maxDecompressedBytes: number;
}

/** Called once the type is known and before any byte is written; returns the storage key to write to. */
export type Reserve = (inspection: Inspection) => Promise<string>;

/**
 * Streams one uploaded file into storage: the first bytes decide its type (415 before anything is reserved or
 * stored), `reserve` records it, then every chunk is hashed, counted and, for archives, inflated on the side to bound
 * what it expands to. Memory holds the sniff sample and a few chunks, whatever the file's size. On any failure nothing
 * stays stored (what `reserve` recorded is the caller's to undo).
 */
export async function storeFile(
  storage: AttachmentStorage,
  file: Readable,
  filename: string,
  declaredType: string | undefined,
  limits: UploadLimits,
  reserve: Reserve,
): Promise<StoredFile> {
  const source = file[Symbol.asyncIterator]();
  const { head, ended } = await readHead(source);
  let inspection: Inspection;
  let storageKey: string;
  try {
    inspection = await inspect(head.subarray(0, SNIFF_BYTES), filename, declaredType);
    storageKey = await reserve(inspection);
  } catch (error) {
    file.resume(); // let the request body flow on (the multipart parser needs it drained)
    throw error;
  }
  const body = Readable.from(rest(head, ended ? null : source), { objectMode: false });
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limits.maxBytes) return done(tooLarge(limits.maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const stages: (Readable | Transform)[] = [body, meter];
  if (inspection.compressed) stages.push(inflationGuard(inspection.compressed, limits.maxDecompressedBytes));
  const tail = pipeline(stages as [Readable, ...Transform[]], () => undefined) as unknown as Readable;
  // A parser-side size error (FST_REQ_FILE_TOO_LARGE) passes through: the problem mapping makes it 413 on `file`.
  await storage.put(storageKey, tail, { contentType: inspection.contentType });
  // The multipart parser stops a file at its size limit by ending it early (and reports it on the next part): a
  // truncated file must not be kept as if it were whole.
  if ((file as Readable & { truncated?: boolean }).truncated) {
    await storage.delete(storageKey);
    throw tooLarge(limits.maxBytes);
  }
  return { storageKey, size, sha256: hash.digest('hex'), inspection };
}

async function readHead(source: AsyncIterator<Buffer>): Promise<{ head: Buffer; ended: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < SNIFF_BYTES) {
    const next = await source.next();
    if (next.done) return { head: Buffer.concat(chunks), ended: true };
    chunks.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(chunks), ended: false };
}

async function* rest(head: Buffer, source: AsyncIterator<Buffer> | null): AsyncGenerator<Buffer> {
  if (head.length) yield head;
  if (!source) return;
  for (;;) {
    const next = await source.next();
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Passes bytes through unchanged while feeding them to an inflater (gunzip, or a zip entry parser) and counting what
 * comes out: an archive that expands past `limit` (a "zip bomb") fails the upload. Waits on the inflater, so a slow
 * inflate slows the upload rather than buffering it.
 */
function inflationGuard(format: 'gzip' | 'zip', limit: number): Transform {
  let inflated = 0;
  let failure: Error | null = null;
  const count = (chunk: Buffer) => {
    inflated += chunk.length;
    if (inflated > limit && !failure)
      failure = new DomainError('PAYLOAD_TOO_LARGE', `The archive expands past ${limit} bytes`, [
        { field: 'file', message: 'archive expands too far' },
      ]);
  };
  const inflater: Writable = format === 'gzip' ? createGunzip() : ParseZip();
  if (format === 'gzip') (inflater as Transform).on('data', count);
  else inflater.on('entry', (entry: Readable) => entry.on('data', count).on('error', (e: Error) => (failure ??= corrupt(e))));
  inflater.on('error', (e: Error) => (failure ??= corrupt(e)));
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (failure) return done(failure);
      inflater.write(chunk, () => done(failure, chunk));
    },
    flush(done: TransformCallback) {
      if (failure) return done(failure);
      inflater.end(() => setImmediate(() => done(failure)));
    },
  });
}

function corrupt(error: Error): DomainError {
  return new DomainError('UNSUPPORTED_MEDIA_TYPE', `The archive is corrupt: ${error.message}`, [
    { field: 'file', message: 'corrupt archive' },
  ]);
}

function tooLarge(max: number): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', `A file may be at most ${max} bytes`, [
    { field: 'file', message: `larger than ${max} bytes` },
  ]);
}
