import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { readdirSync } from 'node:fs';
import { AttachmentNotFoundError } from '../../src/attachments/storage/attachment-not-found.error';
import { LIST_PAGE_SIZE, type StoredObject } from '../../src/attachments/storage/attachment-storage';
import type { LocalDiskStorage } from '../../src/attachments/storage/local-disk.storage';
import { newId } from '../../src/common/ids';
import {
  expectedBytes,
  generatedStream,
  localBackend,
  MiB,
  peakRssGrowth,
  readAll,
  s3Backend,
  sha256Of,
  type StorageBackend,
} from './storage-fixtures';

// Against real backends: files in a temp dir, and a real S3-compatible server (s3rver) on localhost.
describe.each([
  ['LocalDiskStorage', localBackend],
  ['S3Storage', () => s3Backend()],
])('%s', (name, start) => {
  let backend: StorageBackend;
  beforeAll(async () => (backend = await start()));
  afterEach(() => backend.clear());
  afterAll(() => backend?.close());

  it('put then get returns the same bytes for a multi-part-sized stream', async () => {
    const size = 23 * MiB + 12_345; // several 5 MiB parts and an uneven tail
    const { stream, sha256 } = generatedStream(size);
    await backend.storage.put('roundtrip', stream, { contentType: 'image/png' });
    expect(await sha256Of(await backend.storage.get('roundtrip'))).toBe(sha256());
    expect(await backend.leftovers()).toEqual(['roundtrip']);
  });

  it('put replaces what was stored under the key', async () => {
    await backend.storage.put('replaced', generatedStream(3 * MiB).stream);
    const { stream, sha256 } = generatedStream(1000);
    await backend.storage.put('replaced', stream);
    expect(await sha256Of(await backend.storage.get('replaced'))).toBe(sha256());
  });

  it('get with a range returns exactly the inclusive bytes', async () => {
    const size = 11 * MiB + 7;
    await backend.storage.put('ranged', generatedStream(size).stream);
    const ranges = [
      [1, 1],
      [0, 99],
      [5 * MiB - 3, 5 * MiB + 3],
      [64 * 1024 - 1, 3 * 64 * 1024],
      [size - 10, size - 1],
    ];
    // s3rver 3.7.1 answers `bytes=0-0` with the whole object (it reads end 0 as "no end"); AWS S3 returns one byte.
    if (name === 'LocalDiskStorage') ranges.push([0, 0]);
    for (const [start, end] of ranges) {
      const bytes = await readAll(await backend.storage.get('ranged', { start, end }));
      expect(bytes.length).toBe(end - start + 1);
      expect(bytes.equals(expectedBytes(start, end))).toBe(true);
    }
  });

  it('delete removes the object and is idempotent', async () => {
    await backend.storage.put('deleted', generatedStream(1000).stream);
    await backend.storage.delete('deleted');
    await backend.storage.delete('deleted');
    await backend.storage.delete('never-stored');
    await expect(backend.storage.get('deleted')).rejects.toBeInstanceOf(AttachmentNotFoundError);
    expect(await backend.leftovers()).toEqual([]);
  });

  it.each([
    ['errors', new Error('too large')],
    ['is destroyed without an error', null],
  ])('put rejects and leaves nothing when the body %s after 12 MiB', async (_how, error) => {
    const { stream } = generatedStream(40 * MiB, { after: 12 * MiB, error });
    await expect(backend.storage.put('too-large', stream)).rejects.toThrow(error?.message ?? 'Premature close');
    expect(await backend.leftovers()).toEqual([]);
    await expect(backend.storage.get('too-large')).rejects.toBeInstanceOf(AttachmentNotFoundError);
  });

  it('put rejects and leaves nothing when the body fails before its first byte', async () => {
    await expect(backend.storage.put('too-large', generatedStream(1, { after: 0, error: new Error('too large') }).stream)).rejects.toThrow(
      'too large',
    );
    expect(await backend.leftovers()).toEqual([]);
  });

  it.each(['../escape', 'a/b', '..', '', 'x\\y', 'a.b'])('refuses the key %j', async (key) => {
    await expect(backend.storage.put(key, generatedStream(1).stream)).rejects.toThrow(TypeError);
    await expect(backend.storage.get(key)).rejects.toThrow(TypeError);
    await expect(backend.storage.delete(key)).rejects.toThrow(TypeError);
  });

  it('list pages through every key of the generated form, with when it was written, and skips other keys', async () => {
    const started = Date.now() - 1000; // some stores keep whole seconds
    const keys = Array.from({ length: LIST_PAGE_SIZE + 3 }, () => newId());
    for (const key of keys) await backend.storage.put(key, generatedStream(1).stream);
    await backend.storage.put('not-ours', generatedStream(1).stream);
    const pages: StoredObject[][] = [];
    for await (const page of backend.storage.list()) pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    expect(
      pages
        .flat()
        .map((o) => o.key)
        .sort(),
    ).toEqual([...keys].sort());
    expect(pages.flat().every((o) => o.writtenAt.getTime() >= started && o.writtenAt.getTime() <= Date.now())).toBe(true);
  }, 120_000);

  it('keeps memory bounded while putting a 200 MiB stream', async () => {
    const size = 200 * MiB;
    const growth = await peakRssGrowth(() => backend.storage.put('large', generatedStream(size).stream));
    console.log(`${name}: RSS grew by at most ${(growth / MiB).toFixed(1)} MiB while putting ${size / MiB} MiB`);
    expect(growth).toBeLessThan(100 * 1000 * 1000);
    const tail = await readAll(await backend.storage.get('large', { start: size - 100, end: size - 1 }));
    expect(tail.equals(expectedBytes(size - 100, size - 1))).toBe(true);
  });
});

describe('S3Storage', () => {
  it('put stores the content type', async () => {
    const backend = await s3Backend();
    try {
      await backend.storage.put('typed', generatedStream(10).stream, { contentType: 'image/png' });
      expect((await backend.client.send(new HeadObjectCommand({ Bucket: 'attachments', Key: 'typed' }))).ContentType).toBe('image/png');
    } finally {
      await backend.close();
    }
  });

  it('put still rejects with the body error, and stores no object, when the store cannot abort the upload', async () => {
    const backend = await s3Backend('no-abort');
    try {
      const { stream } = generatedStream(40 * MiB, { after: 12 * MiB, error: new Error('too large') });
      await expect(backend.storage.put('too-large', stream)).rejects.toThrow('too large');
      expect(await backend.leftovers()).toEqual([]);
    } finally {
      await backend.close();
    }
  });
});

describe('LocalDiskStorage', () => {
  it("spreads time-ordered keys (UUIDv7, the app's ids) over shard directories", async () => {
    const backend = await localBackend();
    try {
      const keys = Array.from({ length: 32 }, () => newId()); // all share their first chars (a timestamp)
      for (const key of keys) await backend.storage.put(key, generatedStream(1).stream);
      const shards = readdirSync((backend.storage as LocalDiskStorage).root);
      expect(shards.length).toBeGreaterThan(8);
      expect(shards.every((shard) => /^[0-9a-f]{2}$/.test(shard))).toBe(true);
    } finally {
      await backend.close();
    }
  });
});
