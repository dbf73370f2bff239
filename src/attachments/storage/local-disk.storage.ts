import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AttachmentNotFoundError } from './attachment-not-found.error.js';
import {
  AttachmentStorage,
  LIST_PAGE_SIZE,
  assertByteRange,
  assertStorageKey,
  isGeneratedKey,
  type ByteRange,
  type StoredObject,
} from './attachment-storage.js';

const SHARD = /^[0-9a-f]{2}$/;
const PART = /\.part-[0-9a-f]+$/;

/**
 * Files under `root/<shard>/<key>`, the shard being 2 hex chars of the key's hash: 256 directories keep each one small.
 * Not the key's first chars: our keys are UUIDv7, whose first chars are a timestamp shared by years of keys.
 * A put writes `<file>.part-<random>` and renames it into place, so readers never see a half-written file.
 */
export class LocalDiskStorage extends AttachmentStorage {
  readonly name = 'local' as const;

  constructor(readonly root: string) {
    super();
  }

  async put(key: string, body: Readable): Promise<void> {
    const file = this.pathOf(key);
    const part = `${file}.part-${randomBytes(8).toString('hex')}`;
    try {
      await mkdir(dirname(file), { recursive: true });
      // Our own handle (not createWriteStream(path)): no open can still be pending when the catch below unlinks.
      const handle = await open(part, 'wx');
      try {
        // flush: fsync before close, else a crash soon after the rename may leave an empty file under the final name.
        await pipeline(body, handle.createWriteStream({ flush: true }));
      } finally {
        await handle.close(); // a no-op once the stream has closed it
      }
      await rename(part, file);
    } catch (error) {
      body.destroy();
      await rm(part, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    if (range) assertByteRange(range);
    // Opening first turns a missing file into a rejection here, not an 'error' event mid-response.
    const handle = await open(this.pathOf(key), 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new AttachmentNotFoundError(key) : error;
    });
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<StoredObject[]> {
    let page: StoredObject[] = [];
    for await (const [dir, entry] of this.entries()) {
      if (!isGeneratedKey(entry.name)) continue;
      const written = await this.writtenAt(join(dir, entry.name));
      if (written) page.push({ key: entry.name, writtenAt: written });
      if (page.length >= LIST_PAGE_SIZE) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
  }

  // A put's temp file is written to as the bytes arrive: one untouched since the cut-off belongs to a dead process.
  async removeIncomplete(cutoff: Date): Promise<number> {
    let removed = 0;
    for await (const [dir, entry] of this.entries()) {
      if (!PART.test(entry.name)) continue;
      const written = await this.writtenAt(join(dir, entry.name));
      if (!written || written >= cutoff) continue;
      await rm(join(dir, entry.name), { force: true });
      removed++;
    }
    return removed;
  }

  /** The files in the shard directories, read as the directories are walked (never a whole listing in memory). */
  private async *entries(): AsyncGenerator<[string, Dirent]> {
    const top = await opendir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null; // nothing stored yet
      throw error;
    });
    if (!top) return;
    for await (const shard of top) {
      if (!shard.isDirectory() || !SHARD.test(shard.name)) continue;
      const dir = join(this.root, shard.name);
      for await (const entry of await opendir(dir)) if (entry.isFile()) yield [dir, entry];
    }
  }

  private async writtenAt(path: string): Promise<Date | null> {
    return stat(path).then(
      (s) => s.mtime,
      () => null,
    ); // gone meanwhile (renamed or deleted): nothing to judge
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.root, createHash('sha256').update(key).digest('hex').slice(0, 2), key);
  }
}
