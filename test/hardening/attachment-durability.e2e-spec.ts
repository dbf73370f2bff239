import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { AttachmentsService } from '../../src/attachments/attachments.service';
import { AttachmentNotFoundError } from '../../src/attachments/storage/attachment-not-found.error';
import { AttachmentStorage } from '../../src/attachments/storage/attachment-storage';
import { newId } from '../../src/common/ids';
import { s3Server, type S3ServerHandle } from '../attachments/storage-fixtures';
import { log, png } from '../support/files';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

const HOUR = 3_600_000;
const MiB = 1024 * 1024;

// An upload used to stream its bytes first and insert its row after: a crash in between left files nobody referenced.
// Now the row comes first, as `pending`, and a sweep removes what interrupted uploads leave behind.
describe.each(['local', 's3'] as const)('Attachment durability (e2e, %s storage)', (driver) => {
  let t: TestApp;
  let s3: S3ServerHandle | null = null;
  let storage: AttachmentStorage;
  let agent: Person;
  let customer: Person;
  let ticketId: string;
  let upperTierId: string;

  beforeAll(async () => {
    s3 = driver === 's3' ? await s3Server() : null;
    t = await createTestApp({ env: { ATTACHMENT_MAX_BYTES: String(MiB), ...(s3?.env ?? {}) } });
    storage = t.app.get(AttachmentStorage);
    const admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    const home = await tier(t, admin, 1, [agent]);
    upperTierId = (await tier(t, admin, 2)).id;
    ticketId = (await ticket(t, agent, { tierId: home.id, requesterId: customer.id })).id;
  });
  afterAll(async () => {
    await t.close();
    await s3?.close();
  });

  const sweep = (cutoff: Date) => t.app.get(AttachmentsService).sweep(cutoff);
  const put = (key: string, data: Buffer) => storage.put(key, Readable.from([data]));
  const has = async (key: string) =>
    storage.get(key).then(
      (body) => (body.destroy(), true),
      (error: unknown) => {
        if (error instanceof AttachmentNotFoundError) return false;
        throw error;
      },
    );
  const root = () => join(t.config.dataDir, 'attachments');
  const shardOf = (key: string) => join(root(), createHash('sha256').update(key).digest('hex').slice(0, 2));
  /** Sets a local file's mtime; S3 objects cannot be aged, so their tests move the cut-off instead. */
  const age = (path: string, at: Date) => utimesSync(path, at, at);
  const stored = async (): Promise<string[]> => {
    if (s3) return s3.objects();
    return existsSync(root())
      ? readdirSync(root(), { recursive: true, withFileTypes: true })
          .filter((e) => !e.isDirectory())
          .map((e) => e.name)
      : [];
  };
  const rowCount = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM attachment'))[0].n);
  const rowExists = async (id: string) => (await t.dataSource.query('SELECT 1 FROM attachment WHERE id = $1', [id])).length === 1;
  /** A row as an upload in progress leaves it (or a crash mid-upload), with its bytes already in storage. */
  const pendingUpload = async (createdAt: Date, uploader: Person = customer) => {
    const id = newId();
    const storageKey = newId();
    await put(storageKey, Buffer.from('half of a log\n'));
    await t.dataSource.query(
      `INSERT INTO attachment (id, "ticketId", "uploaderId", filename, "contentType", size, sha256, kind, "storageKey", status, "createdAt")
       VALUES ($1, $2, $3, 'crash.log', 'text/plain; charset=utf-8', 0, '', 'log', $4, 'pending', $5)`,
      [id, ticketId, uploader.id, storageKey, createdAt],
    );
    return { id, storageKey };
  };
  const upload = (as: Person, files: { data: Buffer; filename: string }[]) => {
    const req = request(t.url).post(`/v1/tickets/${ticketId}/attachments`).set('Authorization', as.auth);
    for (const f of files) req.attach('file', f.data, { filename: f.filename, contentType: 'application/octet-stream' });
    return req;
  };

  it('sweep removes a pending row older than the cut-off and its bytes, and keeps a fresh one', async () => {
    const stale = await pendingUpload(new Date(Date.now() - 2 * HOUR));
    const fresh = await pendingUpload(new Date());
    await sweep(new Date(Date.now() - HOUR));
    expect({ row: await rowExists(stale.id), bytes: await has(stale.storageKey) }).toEqual({ row: false, bytes: false });
    expect({ row: await rowExists(fresh.id), bytes: await has(fresh.storageKey) }).toEqual({ row: true, bytes: true });
  });

  it('sweep removes files no row references (and leftover temp files) written before the cut-off, and keeps stored attachments', async () => {
    const { body: kept } = await upload(customer, [{ data: png(16, 16), filename: 'kept.png' }]).expect(201);
    const [{ storageKey: keptKey }] = await t.dataSource.query('SELECT "storageKey" FROM attachment WHERE id = $1', [kept.id]);
    const orphan = newId();
    await put(orphan, Buffer.from('written, then the process died before its row\n'));
    const recent = newId();
    await put(recent, Buffer.from('an upload whose row may not be committed yet\n'));
    let cutoff: Date;
    let part = '';
    if (s3) {
      cutoff = new Date(Date.now() + 60_000); // everything in the bucket is "old"
    } else {
      cutoff = new Date(Date.now() - HOUR);
      const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
      age(join(shardOf(orphan), orphan), twoHoursAgo);
      age(join(shardOf(keptKey), keptKey), twoHoursAgo);
      const partKey = newId();
      mkdirSync(shardOf(partKey), { recursive: true });
      part = join(shardOf(partKey), `${partKey}.part-${randomBytes(8).toString('hex')}`);
      writeFileSync(part, 'a put the process never finished');
      age(part, twoHoursAgo);
    }
    await sweep(cutoff);
    expect(await has(orphan)).toBe(false);
    expect(await has(keptKey)).toBe(true);
    await request(t.url).get(`/v1/attachments/${kept.id}/content`).set('Authorization', customer.auth).expect(200);
    if (!s3) {
      expect(existsSync(part)).toBe(false);
      expect(await has(recent)).toBe(true);
    }
  });

  it('pending rows are invisible: metadata, content, lists, GraphQL, linking to a message, hand-off', async () => {
    const pending = await pendingUpload(new Date());
    for (const as of [customer, agent]) {
      await request(t.url).get(`/v1/attachments/${pending.id}`).set('Authorization', as.auth).expect(404);
      await request(t.url).get(`/v1/attachments/${pending.id}/content`).set('Authorization', as.auth).expect(404);
      await request(t.url).get(`/v1/attachments/${pending.id}/preview`).set('Authorization', as.auth).expect(404);
      const listed = await request(t.url)
        .get(`/v1/tickets/${ticketId}/attachments`)
        .query({ limit: 100 })
        .set('Authorization', as.auth)
        .expect(200);
      expect(listed.body.data.map((a: { id: string }) => a.id)).not.toContain(pending.id);
      const one = await gql(t, as, 'query($id: ID!) { attachment(id: $id) { id } }', { id: pending.id });
      expect(one.body.errors[0].extensions.code).toBe('NOT_FOUND');
    }
    const message = await request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set('Authorization', customer.auth)
      .send({ body: 'see log', attachmentIds: [pending.id] });
    expect(message.status).toBe(400);
    expect(message.body.errors).toEqual([expect.objectContaining({ field: 'attachmentIds[0]' })]);
    const own = await pendingUpload(new Date(), agent);
    const handoff = await request(t.url)
      .post(`/v1/tickets/${ticketId}/escalate`)
      .set('Authorization', agent.auth)
      .send({
        reason: 'needs L2',
        toTierId: upperTierId,
        handoff: { summary: 's', stepsToReproduce: 'r', environment: 'e', attachmentIds: [own.id] },
      });
    expect(handoff.status).toBe(400);
    expect(handoff.body.errors).toEqual([expect.objectContaining({ field: 'handoff.attachmentIds[0]' })]);
    // Unattached-upload collection leaves pending rows to the sweep.
    await t.app.get(AttachmentsService).collectUnattached(new Date(Date.now() + 60_000));
    expect(await rowExists(own.id)).toBe(true);
  });

  it('an upload refused mid-stream (413 past ATTACHMENT_MAX_BYTES) leaves neither row nor file, for its earlier files too', async () => {
    await sweep(new Date(Date.now() + 60_000)); // start from an empty table of pending rows and no orphans
    const before = { rows: await rowCount(), stored: (await stored()).sort() };
    const res = await upload(customer, [
      { data: Buffer.from('first file, complete\n'), filename: 'first.log' },
      { data: log(3 * MiB), filename: 'huge.log' },
    ]);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', errors: [expect.objectContaining({ field: 'file' })] });
    expect(await rowCount()).toBe(before.rows);
    expect((await stored()).sort()).toEqual(before.stored);
  });

  it('the row is pending before the first byte is written; an upload outlived by the sweep answers 409 and leaves nothing', async () => {
    const before = { rows: await rowCount(), stored: (await stored()).sort() };
    const put = storage.put.bind(storage);
    const seen: unknown[] = [];
    const spy = jest.spyOn(storage, 'put').mockImplementationOnce(async (key, body, options) => {
      seen.push(...(await t.dataSource.query('SELECT status, size, sha256 FROM attachment WHERE "storageKey" = $1', [key])));
      await sweep(new Date(Date.now() + 60_000)); // as if the upload had run past the cut-off: its row goes
      await put(key, body, options); // and its bytes arrive after
    });
    try {
      const res = await upload(customer, [{ data: Buffer.from('slow\n'), filename: 'slow.log' }]);
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'file' })]);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual([{ status: 'pending', size: '0', sha256: '' }]);
    expect(await rowCount()).toBe(before.rows);
    expect((await stored()).sort()).toEqual(before.stored);
  });
});
