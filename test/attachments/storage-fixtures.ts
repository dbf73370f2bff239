import { DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AttachmentStorage } from '../../src/attachments/storage/attachment-storage';
import { LocalDiskStorage } from '../../src/attachments/storage/local-disk.storage';
import { S3Storage } from '../../src/attachments/storage/s3.storage';

export const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const BLOCK = randomBytes(CHUNK);

// Chunk n is a random block stamped with n, so misordered or repeated parts change the bytes.
function chunk(n: number): Buffer {
  const buf = Buffer.from(BLOCK);
  buf.writeUInt32BE(n);
  return buf;
}

/** The bytes [start, end] (inclusive) of every generated stream. */
export function expectedBytes(start: number, end: number): Buffer {
  const parts: Buffer[] = [];
  for (let n = Math.floor(start / CHUNK); n * CHUNK <= end; n++) parts.push(chunk(n));
  const offset = Math.floor(start / CHUNK) * CHUNK;
  return Buffer.concat(parts).subarray(start - offset, end - offset + 1);
}

/**
 * `size` deterministic bytes, produced on demand (never held whole). With `failAfter`, the stream is destroyed once that
 * many bytes were read, as a caller does when a size limit is hit; `error: null` destroys it without an error (abort).
 */
export function generatedStream(size: number, fail?: { after: number; error: Error | null }): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let produced = 0;
  const stream = new Readable({
    highWaterMark: CHUNK,
    read() {
      if (fail && produced >= fail.after) return void setImmediate(() => stream.destroy(fail.error ?? undefined));
      if (produced >= size) return void this.push(null);
      const buf = chunk(produced / CHUNK).subarray(0, Math.min(CHUNK, size - produced));
      produced += buf.length;
      hash.update(buf);
      this.push(buf);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const buf of stream) hash.update(buf);
  return hash.digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const buf of stream) parts.push(buf);
  return Buffer.concat(parts);
}

/** Largest growth of this process's RSS over its value before `work`, sampled every 5 ms. */
export async function peakRssGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - before;
}

export interface StorageBackend {
  storage: AttachmentStorage;
  /** Everything the backend holds: files (incl. temp files), or objects and multipart uploads. */
  leftovers(): Promise<string[]>;
  /** Empties the backend, so that no test sees another's objects. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function localBackend(): Promise<StorageBackend> {
  const root = mkdtempSync(join(tmpdir(), 'tierdesk-attachments-'));
  return {
    storage: new LocalDiskStorage(root),
    leftovers: async () =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => !e.isDirectory())
        .map((e) => e.name),
    clear: async () => readdirSync(root).forEach((name) => rmSync(join(root, name), { recursive: true })),
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}

/** s3rver in a child process: its ListObjectsV2 continuation tokens use DES, which OpenSSL 3 has only in its legacy provider. */
function forkS3rver(directory: string) {
  return fork(join(__dirname, 'storage-s3rver.mjs'), [directory], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...process.execArgv, '--openssl-legacy-provider'],
  });
}

const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }; // s3rver's fixed test key pair

/** A real s3rver in a child process; `bucket` 'no-abort' is a store without AbortMultipartUpload. */
export async function s3Backend(bucket: 'attachments' | 'no-abort' = 'attachments'): Promise<StorageBackend & { client: S3Client }> {
  const directory = mkdtempSync(join(tmpdir(), 'tierdesk-s3rver-'));
  const server = forkS3rver(directory);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('message', (message: { port: number }) => resolve(message.port));
    server.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  const config = {
    bucket,
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  };
  const storage = S3Storage.fromConfig(config);
  const client = new S3Client(config);
  const objectKeys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!);
  return {
    storage,
    client,
    leftovers: async () => {
      const uploads =
        bucket === 'attachments' ? ((await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []) : [];
      return [...(await objectKeys()), ...uploads.map((u) => `upload of ${u.Key}`)];
    },
    clear: async () => {
      for (const key of await objectKeys()) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    close: async () => {
      storage.onApplicationShutdown();
      client.destroy();
      server.kill();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface S3ServerHandle {
  /** ATTACHMENT_STORAGE / S3_* variables that point the app at this server's `attachments` bucket. */
  env: Record<string, string>;
  /** Object keys in the bucket. */
  objects(): Promise<string[]>;
  close(): Promise<void>;
}

/** A real s3rver for an app under test (configured through its environment, as in production). */
export async function s3Server(): Promise<S3ServerHandle> {
  const directory = mkdtempSync(join(tmpdir(), 'tierdesk-s3rver-'));
  const server = forkS3rver(directory);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('message', (message: { port: number }) => resolve(message.port));
    server.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  return {
    env: {
      ATTACHMENT_STORAGE: 's3',
      S3_BUCKET: 'attachments',
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    },
    objects: async () => ((await client.send(new ListObjectsV2Command({ Bucket: 'attachments' }))).Contents ?? []).map((o) => o.Key!),
    close: async () => {
      client.destroy();
      server.kill();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
