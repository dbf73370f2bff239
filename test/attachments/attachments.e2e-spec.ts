import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { AttachmentsService } from '../../src/attachments/attachments.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { log, png, zip } from '../support/files';
import { person, ticket, tier, type Person } from '../support/world';
import { s3Server, type S3ServerHandle } from './storage-fixtures';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(['local', 's3'] as const)('Attachments over HTTP (e2e, %s storage)', (driver) => {
  let t: TestApp;
  let s3: S3ServerHandle | null = null;
  let admin: Person;
  let agent: Person;
  let customer: Person;
  let other: Person;
  let home: { id: string };
  let ticketId: string;

  beforeAll(async () => {
    s3 = driver === 's3' ? await s3Server() : null;
    t = await createTestApp({
      env: { ATTACHMENT_MAX_BYTES: String(8 * MiB), ATTACHMENT_MAX_DECOMPRESSED_BYTES: String(32 * MiB), ...(s3?.env ?? {}) },
    });
    admin = await person(t, 'admin');
    agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    other = await person(t, 'customer');
    home = await tier(t, admin, 1, [agent]);
    ticketId = (await ticket(t, agent, { tierId: home.id, requesterId: customer.id })).id;
  });
  afterAll(async () => {
    await t.close();
    await s3?.close();
  });

  const upload = (as: Person, files: { data: Buffer; filename: string; contentType?: string }[], id = ticketId) => {
    const req = request(t.url).post(`/v1/tickets/${id}/attachments`).set('Authorization', as.auth);
    for (const f of files) req.attach('file', f.data, { filename: f.filename, contentType: f.contentType ?? 'application/octet-stream' });
    return req;
  };
  const rowCount = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM attachment'))[0].n);
  /** What the storage holds: files under DATA_DIR/attachments, or objects in the bucket. */
  const stored = async (): Promise<string[]> => {
    if (s3) return s3.objects();
    const dir = join(t.config.dataDir, 'attachments');
    return existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => !e.isDirectory())
          .map((e) => e.name)
      : [];
  };

  it('a PNG, a multi-MB log and a zip: sniffed kinds, sizes, sha256, image dimensions; downloads return the exact bytes', async () => {
    const image = png(320, 200);
    const big = log(5 * MiB);
    const archive = zip([
      { name: 'app.log', data: log(256 * 1024) },
      { name: 'crash.txt', data: Buffer.from('segfault at 0x0\n') },
    ]);
    const res = await upload(customer, [
      { data: image, filename: 'screen.png', contentType: 'image/png' },
      { data: big, filename: 'server.log', contentType: 'text/plain' },
      { data: archive, filename: 'logs.zip' },
    ]).expect(201);
    const [a, b, c] = res.body.data;
    expect(a).toMatchObject({
      ticketId,
      messageId: null,
      filename: 'screen.png',
      contentType: 'image/png',
      kind: 'image',
      size: image.length,
      sha256: sha256(image),
      width: 320,
      height: 200,
    });
    expect(b).toMatchObject({
      filename: 'server.log',
      contentType: 'text/plain; charset=utf-8',
      kind: 'log',
      size: big.length,
      sha256: sha256(big),
      width: null,
    });
    expect(c).toMatchObject({
      filename: 'logs.zip',
      contentType: 'application/zip',
      kind: 'archive',
      size: archive.length,
      sha256: sha256(archive),
    });

    const download = await request(t.url)
      .get(`/v1/attachments/${b.id}/content`)
      .set('Authorization', agent.auth)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(sha256(download.body)).toBe(sha256(big));
    expect(download.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'accept-ranges': 'bytes',
      etag: `"${sha256(big)}"`,
      'content-disposition': 'attachment; filename=server.log',
      'content-length': String(big.length),
    });
    const meta = await request(t.url).get(`/v1/attachments/${a.id}`).set('Authorization', customer.auth).expect(200);
    expect(meta.body).toEqual(a);
    // One file → the attachment itself.
    const single = await upload(customer, [{ data: image, filename: 'again.png' }]).expect(201);
    expect(single.body).toMatchObject({ filename: 'again.png', kind: 'image' });
  });

  it('Range requests return exactly the bytes asked for (206), suffix ranges too; an unsatisfiable range gets the whole file', async () => {
    const body = log(2 * MiB);
    const { body: created } = await upload(customer, [{ data: body, filename: 'range.log' }]).expect(201);
    const get = (range: string) =>
      request(t.url)
        .get(`/v1/attachments/${created.id}/content`)
        .set('Authorization', customer.auth)
        .set('Range', range)
        .buffer(true)
        .parse(binary);
    const middle = await get('bytes=1000-1999').expect(206);
    expect(middle.headers['content-range']).toBe(`bytes 1000-1999/${body.length}`);
    expect(Buffer.compare(middle.body, body.subarray(1000, 2000))).toBe(0);
    const tail = await get('bytes=-500').expect(206);
    expect(Buffer.compare(tail.body, body.subarray(body.length - 500))).toBe(0);
    const open = await get(`bytes=${body.length - 10}-`).expect(206);
    expect(Buffer.compare(open.body, body.subarray(body.length - 10))).toBe(0);
    const beyond = await get(`bytes=${body.length + 5}-`).expect(200);
    expect(beyond.body.length).toBe(body.length);
  });

  it('an over-limit file is aborted mid-stream: 413, nothing stored, no row; the earlier files of the request are removed too', async () => {
    const before = { rows: await rowCount(), stored: (await stored()).length };
    const res = await upload(customer, [
      { data: png(64, 64), filename: 'ok.png' },
      { data: log(12 * MiB), filename: 'huge.log' },
    ]);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', errors: [expect.objectContaining({ field: 'file' })] });
    expect(await rowCount()).toBe(before.rows);
    expect((await stored()).length).toBe(before.stored);
    if (!s3) expect((await stored()).filter((name) => name.includes('.part'))).toEqual([]);
  });

  it('types come from the bytes: a PNG named .log, HTML claiming image/png, an executable → 415; a zip bomb → 413', async () => {
    const before = await rowCount();
    const refused = [
      { data: png(8, 8), filename: 'renamed.log', contentType: 'text/plain' },
      { data: Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'), filename: 'cat.png', contentType: 'image/png' },
      { data: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4096, 0x90)]), filename: 'setup.exe' },
      { data: Buffer.from('plain text'), filename: 'notes.txt', contentType: 'image/png' },
    ];
    for (const file of refused) {
      const res = await upload(customer, [file]);
      expect({ name: file.filename, status: res.status, code: res.body.code }).toEqual({
        name: file.filename,
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
    // gzip is inflated on the side too: a small one passes as an archive, one expanding past the limit is refused.
    const gz = await upload(customer, [{ data: gzipSync(log(100_000)), filename: 'app.log.gz' }]).expect(201);
    expect(gz.body).toMatchObject({ kind: 'archive', contentType: 'application/gzip' });
    const gzBomb = await upload(customer, [{ data: gzipSync(Buffer.alloc(40 * MiB)), filename: 'zeros.gz' }]);
    expect(gzBomb.status).toBe(413);
    const bomb = zip([{ name: 'zeros.bin', data: Buffer.alloc(64 * MiB) }]);
    expect(bomb.length).toBeLessThan(MiB);
    const res = await upload(customer, [{ data: bomb, filename: 'bomb.zip' }]);
    expect(res.status).toBe(413);
    expect(await rowCount()).toBe(before + 1);
  });

  it('at most ATTACHMENT_MAX_FILES (10) files per request: the 11th → 413 and nothing of the request is kept', async () => {
    const before = { rows: await rowCount(), stored: (await stored()).length };
    const files = Array.from({ length: 11 }, (_, i) => ({ data: Buffer.from(`file ${i}\n`), filename: `f${i}.log` }));
    const res = await upload(customer, files);
    expect(res.status).toBe(413);
    expect(await rowCount()).toBe(before.rows);
    expect((await stored()).length).toBe(before.stored);
  });

  it('filenames are stored sanitised: no path, no control or direction characters', async () => {
    const res = await upload(customer, [
      { data: Buffer.from('root:x:0:0\n'), filename: '../../etc/passwd' },
      { data: Buffer.from('not a pdf\n'), filename: 'invoice\u202Efdp.txt' },
      { data: Buffer.from('x\n'), filename: '..\\..\\windows\\setup.log. . ' },
    ]).expect(201);
    expect(res.body.data.map((a: { filename: string }) => a.filename)).toEqual(['passwd', 'invoicefdp.txt', 'setup.log']);
    const download = await request(t.url)
      .get(`/v1/attachments/${res.body.data[1].id}/content`)
      .set('Authorization', customer.auth)
      .expect(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename=invoicefdp.txt');
  });

  it('visibility: files on internal notes and staff uploads not yet attached are invisible to customers (404); other customers see nothing', async () => {
    const { body: note } = await upload(agent, [{ data: log(1000), filename: 'internal.log' }]).expect(201);
    await request(t.url).get(`/v1/attachments/${note.id}`).set('Authorization', customer.auth).expect(404);
    await request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set('Authorization', agent.auth)
      .send({ body: 'see log', visibility: 'internal', attachmentIds: [note.id] })
      .expect(201);
    await request(t.url).get(`/v1/attachments/${note.id}`).set('Authorization', agent.auth).expect(200);
    await request(t.url).get(`/v1/attachments/${note.id}`).set('Authorization', customer.auth).expect(404);
    await request(t.url).get(`/v1/attachments/${note.id}/content`).set('Authorization', customer.auth).expect(404);

    const { body: shot } = await upload(agent, [{ data: png(10, 10), filename: 'answer.png' }]).expect(201);
    const reply = await request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set('Authorization', agent.auth)
      .send({ body: 'fixed, see screenshot', attachmentIds: [shot.id] })
      .expect(201);
    expect((await request(t.url).get(`/v1/attachments/${shot.id}`).set('Authorization', customer.auth).expect(200)).body.messageId).toBe(
      reply.body.id,
    );
    await request(t.url).get(`/v1/attachments/${shot.id}`).set('Authorization', other.auth).expect(404);
    await upload(other, [{ data: png(4, 4), filename: 'x.png' }]).expect(404);

    const listed = (
      await request(t.url).get(`/v1/tickets/${ticketId}/attachments`).query({ limit: 100 }).set('Authorization', customer.auth).expect(200)
    ).body.data.map((a: { id: string }) => a.id);
    expect(listed).toContain(shot.id);
    expect(listed).not.toContain(note.id);

    // Linking: only your own unattached uploads of this ticket; attached ones cannot move.
    const bad = await request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set('Authorization', customer.auth)
      .send({ body: 'mine?', attachmentIds: [shot.id] })
      .expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'attachmentIds[0]' })]);
  });

  it('preview returns the last N lines of a log', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const { body: created } = await upload(customer, [{ data: Buffer.from(text), filename: 'tail.log' }]).expect(201);
    const res = await request(t.url)
      .get(`/v1/attachments/${created.id}/preview`)
      .query({ lines: 3 })
      .set('Authorization', customer.auth)
      .expect(200);
    expect(res.text).toBe('line 4998\nline 4999\nline 5000');
    await request(t.url).get(`/v1/attachments/${created.id}/preview`).query({ lines: 0 }).set('Authorization', customer.auth).expect(400);
  });

  it('garbage collection removes unattached uploads past the TTL, bytes and rows, and keeps attached ones', async () => {
    const { body: loose } = await upload(customer, [{ data: Buffer.from('temporary\n'), filename: 'loose.log' }]).expect(201);
    const { body: kept } = await upload(customer, [{ data: Buffer.from('kept\n'), filename: 'kept.log' }]).expect(201);
    await request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set('Authorization', customer.auth)
      .send({ body: 'log attached', attachmentIds: [kept.id] })
      .expect(201);
    const [{ storageKey }] = await t.dataSource.query('SELECT "storageKey" FROM attachment WHERE id = $1', [loose.id]);
    // The job's cut-off is now - ATTACHMENT_UNATTACHED_TTL_HOURS; a cut-off in the future stands in for 24 h passing.
    await t.app.get(AttachmentsService).collectUnattached(new Date(Date.now() + 60_000));
    await request(t.url).get(`/v1/attachments/${loose.id}`).set('Authorization', customer.auth).expect(404);
    await request(t.url).get(`/v1/attachments/${kept.id}/content`).set('Authorization', customer.auth).expect(200);
    expect((await stored()).some((name) => name.includes(storageKey))).toBe(false);
  });

  it('bad requests: not multipart → 415, no file part → 400, a plain form field → 400 naming it', async () => {
    await request(t.url).post(`/v1/tickets/${ticketId}/attachments`).set('Authorization', customer.auth).send({ file: 'x' }).expect(415);
    const field = await request(t.url)
      .post(`/v1/tickets/${ticketId}/attachments`)
      .set('Authorization', customer.auth)
      .field('note', 'hello');
    expect(field.status).toBe(400);
    expect(field.body.errors).toEqual([expect.objectContaining({ field: 'note' })]);
  });
});

function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  // supertest hands the raw response stream here
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}
