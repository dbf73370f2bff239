import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SmtpInbound } from '../../src/email/smtp-inbound';
import { startDovecot, dovecotAvailable, type Dovecot } from '../support/dovecot';
import { log, png } from '../support/files';
import { deliver, startReceiver, until, type Receiver } from '../support/mail';
import { createTestApp, type TestApp } from '../support/test-app';
import { gql, person, type Person } from '../support/world';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';

const SUPPORT = 'support@example.test';
const KEY = 'a'.repeat(64);
const MAX_BYTES = 1024 * 1024;
const run = dovecotAvailable() ? describe : describe.skip;

run('E-mail channel (e2e, real Dovecot and SMTP)', () => {
  let t: TestApp;
  let dovecot: Dovecot;
  let receiver: Receiver;
  let admin: Person;
  let mailboxId: string;
  const as = (p: Person) => ({ Authorization: p.auth });
  beforeAll(async () => {
    dovecot = await startDovecot({ [SUPPORT]: 'secret' });
    receiver = await startReceiver();
    // MAIL_MAX_BYTES well above these tests' mail (a few hundred KiB at most), low enough to send one over it.
    t = await createTestApp({ env: { ENCRYPTION_KEY: KEY, SMTP_INBOUND_PORT: '0', MAIL_MAX_BYTES: String(MAX_BYTES) } });
    admin = await person(t, 'admin');
    const res = await request(t.url)
      .post('/v1/mailboxes')
      .set(as(admin))
      .send({
        address: SUPPORT,
        name: 'Support',
        inbound: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, secure: false, username: SUPPORT, password: 'secret' },
        outbound: { host: '127.0.0.1', port: receiver.port, secure: false },
      })
      .expect(201);
    mailboxId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await dovecot?.stop();
  });

  const log_ = async () =>
    (await request(t.url).get(`/v1/mailboxes/${mailboxId}/messages?limit=100`).set(as(admin)).expect(200)).body.data as {
      messageId: string;
      outcome: string;
      reason: string | null;
      ticketId: string | null;
      subject: string;
    }[];
  /** POST /check, then wait until the import log has an entry for each of `messageIds`. */
  const checkFor = async (...messageIds: string[]) => {
    await request(t.url).post(`/v1/mailboxes/${mailboxId}/check`).set(as(admin)).expect(202);
    return until(
      async () => {
        const entries = await log_();
        const found = messageIds.map((id) => entries.find((e) => e.messageId === id));
        return found.every(Boolean) ? (found as NonNullable<(typeof found)[number]>[]) : null;
      },
      20_000,
      `import of ${messageIds.join(', ')}`,
    );
  };
  const mailFrom = (from: string, extra: Record<string, unknown> = {}) => deliver(dovecot.lmtpPort, SUPPORT, { from, ...extra });
  const ticketOf = async (id: string) => (await request(t.url).get(`/v1/tickets/${id}`).set(as(admin)).expect(200)).body;
  const messagesOf = async (id: string) =>
    (await request(t.url).get(`/v1/tickets/${id}/messages?limit=100`).set(as(admin)).expect(200)).body.data as {
      id: string;
      body: string;
      authorId: string;
      visibility: string;
      email: { messageId: string; from: string; to: string[]; cc: string[]; inReplyTo: string | null } | null;
    }[];
  const attachmentsOf = async (id: string) =>
    (await request(t.url).get(`/v1/tickets/${id}/attachments?limit=100`).set(as(admin)).expect(200)).body.data as {
      id: string;
      filename: string;
      kind: string;
      contentType: string;
      messageId: string | null;
    }[];

  it('POST /v1/mailboxes keeps passwords write-only, validates nested fields, and PATCH honours If-Match', async () => {
    const got = (await request(t.url).get(`/v1/mailboxes/${mailboxId}`).set(as(admin)).expect(200)).body;
    expect(got).toMatchObject({
      address: SUPPORT,
      inbound: { protocol: 'imap', username: SUPPORT, folder: 'INBOX', hasPassword: true },
      outbound: { host: '127.0.0.1', hasPassword: false },
      notify: [],
      active: true,
    });
    expect(JSON.stringify(got)).not.toContain('secret');
    const stored = await t.dataSource.query(`SELECT "inboundPassword" FROM mailbox WHERE id = $1`, [mailboxId]);
    expect(stored[0].inboundPassword).toMatch(/^v1:/);
    expect(stored[0].inboundPassword).not.toContain('secret');
    const bad = await request(t.url)
      .post('/v1/mailboxes')
      .set(as(admin))
      .send({ address: 'x@example.test', name: 'x', inbound: { protocol: 'imap', port: 143, username: 'x', password: 'p' } })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('inbound.host');
    await request(t.url)
      .post('/v1/mailboxes')
      .set(as(admin))
      .send({ address: SUPPORT, name: 'dup', inbound: { protocol: 'smtp' } })
      .expect(409);
    const other = (
      await request(t.url)
        .post('/v1/mailboxes')
        .set(as(admin))
        .send({ address: `in-${randomUUID()}@example.test`, name: 'smtp in', inbound: { protocol: 'smtp' } })
        .expect(201)
    ).body;
    await request(t.url).patch(`/v1/mailboxes/${other.id}`).set(as(admin)).set('If-Match', '"99"').send({ name: 'n' }).expect(412);
    const patched = await request(t.url)
      .patch(`/v1/mailboxes/${other.id}`)
      .set(as(admin))
      .set('If-Match', `"${other.version}"`)
      .send({ name: 'n' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'n', version: other.version + 1 });
    const agent = await person(t, 'agent');
    await request(t.url).get('/v1/mailboxes').set(as(agent)).expect(403);
    const q = await gql(t, admin, `query { mailbox(id: "${mailboxId}") { address inbound { protocol hasPassword } outbound { port } } }`);
    expect(q.body.data.mailbox).toEqual({
      address: SUPPORT,
      inbound: { protocol: 'imap', hasPassword: true },
      outbound: { port: receiver.port },
    });
    await request(t.url).delete(`/v1/mailboxes/${other.id}`).set(as(admin)).expect(204);
  });

  it('a multipart mail with a PNG and a log becomes an email ticket with both files and the raw .eml; the same Message-ID is imported once', async () => {
    const messageId = `<${randomUUID()}@client.example.org>`;
    const from = `Ann.${randomUUID().slice(0, 8)}@Example.org`;
    const mail = {
      messageId,
      subject: 'Printer shows error 42',
      text: 'The printer stopped.\n\nSee the screenshot and the log.\n\n-- \nAnn\nACME Corp\n',
      cc: 'boss@example.org',
      attachments: [
        { filename: 'screen.png', content: png(40, 30), contentType: 'image/png' },
        { filename: 'printer.log', content: log(2000), contentType: 'text/plain' },
      ],
    };
    await mailFrom(`"Ann" <${from}>`, mail);
    await mailFrom(`"Ann" <${from}>`, mail); // delivered twice: same Message-ID
    const [entry] = await checkFor(messageId.slice(1, -1));
    expect(entry.outcome).toBe('ticket_created');
    const ticket = await ticketOf(entry.ticketId!);
    expect(ticket).toMatchObject({ channel: 'email', subject: 'Printer shows error 42', status: 'new' });
    expect(ticket.description).toBe('The printer stopped.\n\nSee the screenshot and the log.');
    const requester = (await request(t.url).get(`/v1/users/${ticket.requesterId}`).set(as(admin)).expect(200)).body;
    expect(requester.email).toBe(from.toLowerCase());
    const files = await attachmentsOf(ticket.id);
    expect(files.map((f) => [f.filename, f.kind]).sort()).toEqual([
      ['message.eml', 'other'],
      ['printer.log', 'log'],
      ['screen.png', 'image'],
    ]);
    const [message] = await messagesOf(ticket.id);
    expect(message.email).toEqual({
      messageId: messageId.slice(1, -1),
      from: from.toLowerCase(),
      to: [SUPPORT],
      cc: ['boss@example.org'],
      inReplyTo: null,
    });
    expect(files.every((f) => f.messageId === message.id)).toBe(true);
    const png_ = files.find((f) => f.filename === 'screen.png')!;
    const content = await request(t.url).get(`/v1/attachments/${png_.id}/content`).set(as(admin)).buffer(true).expect(200);
    expect(Buffer.compare(content.body as Buffer, png(40, 30))).toBe(0);
    // A second check finds nothing new; the duplicate is not a second ticket.
    await request(t.url).post(`/v1/mailboxes/${mailboxId}/check`).set(as(admin)).expect(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await log_()).filter((e) => e.messageId === messageId.slice(1, -1))).toHaveLength(1);
    const mine = (await request(t.url).get(`/v1/tickets?requesterId=${ticket.requesterId}`).set(as(admin)).expect(200)).body.data;
    expect(mine).toHaveLength(1);
  });

  it('a reply from a mail client threads onto its ticket with the quote trimmed; an agent reply is mailed threaded, an internal note never', async () => {
    const first = `${randomUUID()}@client.example.org`;
    const from = `bob.${randomUUID().slice(0, 8)}@example.org`;
    await mailFrom(from, { messageId: `<${first}>`, subject: 'VPN drops every hour', text: 'It drops.' });
    const [created] = await checkFor(first);
    const ticketId = created.ticketId!;
    const ticket = await ticketOf(ticketId);

    const agent = await person(t, 'agent');
    await request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set(as(admin))
      .send({ body: 'SECRET NOTE: customer is on legacy plan', visibility: 'internal' })
      .expect(201);
    await request(t.url)
      .post(`/v1/tickets/${ticketId}/messages`)
      .set(as(admin))
      .send({ body: 'Which client version do you use?' })
      .expect(201);
    const sent = await until(
      async () => receiver.mails.find((m) => m.subject?.includes(`[#${ticket.number}]`)),
      20_000,
      'the agent reply by mail',
    );
    expect(sent.subject).toBe(`Re: VPN drops every hour [#${ticket.number}]`);
    expect(sent.text).toContain('Which client version do you use?');
    expect(sent.inReplyTo).toBe(`<${first}>`);
    expect(sent.references).toEqual(`<${first}>`);
    expect(sent.envelopeTo).toEqual([from]);
    expect(sent.from?.value[0].address).toBe(SUPPORT);
    expect(receiver.mails.some((m) => (m.text ?? '').includes('SECRET NOTE'))).toBe(false);
    expect(agent.id).toBeDefined();

    // The customer answers from a mail client: In-Reply-To names our mail, the quote and signature follow.
    const reply = `${randomUUID()}@client.example.org`;
    await mailFrom(from, {
      messageId: `<${reply}>`,
      inReplyTo: sent.messageId,
      references: [`<${first}>`, sent.messageId!],
      subject: `Re: VPN drops every hour [#${ticket.number}]`,
      text: `Version 5.2.1.\n\nOn Thu, May 28, 2026 at 10:00 AM Support <${SUPPORT}> wrote:\n> Which client version do you use?\n`,
    });
    const [threaded] = await checkFor(reply);
    expect(threaded).toMatchObject({ outcome: 'reply_added', ticketId });
    const messages = await messagesOf(ticketId);
    const last = messages[messages.length - 1];
    expect(last.body).toBe('Version 5.2.1.');
    expect(last.email).toMatchObject({ messageId: reply, inReplyTo: sent.messageId!.slice(1, -1) });

    // A second agent reply references the whole thread.
    await request(t.url).post(`/v1/tickets/${ticketId}/messages`).set(as(admin)).send({ body: 'Please update to 5.3.' }).expect(201);
    const second = await until(
      async () => receiver.mails.find((m) => (m.text ?? '').includes('Please update to 5.3.')),
      20_000,
      'second reply',
    );
    expect(second.inReplyTo).toBe(`<${reply}>`);
    expect(second.references).toEqual([`<${first}>`, sent.messageId, `<${reply}>`]);
  });

  it('a reply that reaches the mailbox before the mail it answers still threads onto the ticket of the mail it answers', async () => {
    const from = `ivy.${randomUUID().slice(0, 8)}@example.org`;
    const original = `${randomUUID()}@client.example.org`;
    const followUp = `${randomUUID()}@client.example.org`;
    // Delivered out of order (as relays may): the follow-up first, naming the original in In-Reply-To.
    await mailFrom(from, {
      messageId: `<${followUp}>`,
      inReplyTo: `<${original}>`,
      references: [`<${original}>`],
      subject: 'Re: Scanner offline',
      text: 'Forgot the log.',
    });
    await mailFrom(from, { messageId: `<${original}>`, subject: 'Scanner offline', text: 'The scanner is offline.' });
    const [first, second] = await checkFor(original, followUp);
    expect(first).toMatchObject({ outcome: 'ticket_created' });
    expect(second).toMatchObject({ outcome: 'reply_added', ticketId: first.ticketId });
  });

  it('a subject [#number] from the requester threads; auto-replies, bulk mail, bounces and loops create nothing and are logged with a reason', async () => {
    const from = `carol.${randomUUID().slice(0, 8)}@example.org`;
    const first = `${randomUUID()}@client.example.org`;
    await mailFrom(from, { messageId: `<${first}>`, subject: 'Login fails', text: 'Cannot log in.' });
    const [created] = await checkFor(first);
    const ticket = await ticketOf(created.ticketId!);
    const bySubject = `${randomUUID()}@client.example.org`;
    await mailFrom(from, { messageId: `<${bySubject}>`, subject: `More on [#${ticket.number}]`, text: 'Also on mobile.' });
    const stranger = `${randomUUID()}@client.example.org`;
    await mailFrom(`eve.${randomUUID().slice(0, 8)}@example.org`, {
      messageId: `<${stranger}>`,
      subject: `Hijack [#${ticket.number}]`,
      text: 'x',
    });
    const auto = `${randomUUID()}@client.example.org`;
    await mailFrom(from, {
      messageId: `<${auto}>`,
      subject: 'Out of office',
      text: 'I am away',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const bulk = `${randomUUID()}@news.example.org`;
    await mailFrom('news@example.org', {
      messageId: `<${bulk}>`,
      subject: 'Newsletter',
      text: 'Buy',
      headers: { Precedence: 'bulk', 'List-Id': '<news.example.org>' },
    });
    const loop = `${randomUUID()}@example.test`;
    await mailFrom(SUPPORT, { messageId: `<${loop}>`, subject: 'Re: something [#1]', text: 'our own' });
    const bounce = `${randomUUID()}@mx.example.org`;
    await mailFrom('MAILER-DAEMON@mx.example.org', {
      messageId: `<${bounce}>`,
      subject: 'Undelivered Mail Returned to Sender',
      text: 'failed',
    });
    const entries = await checkFor(bySubject, stranger, auto, bulk, loop, bounce);
    const byId = Object.fromEntries(entries.map((e) => [e.messageId, e]));
    expect(byId[bySubject]).toMatchObject({ outcome: 'reply_added', ticketId: ticket.id });
    expect(byId[stranger]).toMatchObject({ outcome: 'ticket_created' });
    expect(byId[stranger].ticketId).not.toBe(ticket.id);
    expect(byId[auto]).toMatchObject({ outcome: 'dropped', ticketId: null, reason: 'auto-submitted: auto-replied' });
    expect(byId[bulk]).toMatchObject({ outcome: 'dropped', reason: 'precedence: bulk' });
    expect(byId[loop]).toMatchObject({ outcome: 'dropped', reason: expect.stringContaining('loop') });
    expect(byId[bounce]).toMatchObject({ outcome: 'dropped', reason: expect.stringContaining('bounce') });
  });

  it('IMAP mail over MAIL_MAX_BYTES is logged as dropped from its headers, and nothing is imported', async () => {
    const big = `${randomUUID()}@client.example.org`;
    await mailFrom(`frank.${randomUUID().slice(0, 8)}@example.org`, {
      messageId: `<${big}>`,
      subject: 'Huge log',
      text: 'y'.repeat(MAX_BYTES * 2),
    });
    const [entry] = await checkFor(big);
    expect(entry).toMatchObject({
      outcome: 'dropped',
      ticketId: null,
      subject: 'Huge log',
      reason: expect.stringMatching(/^too large: \d+ bytes/),
    });
    expect(Number(/\d+/.exec(entry.reason!)![0])).toBeGreaterThan(MAX_BYTES * 2);
  });

  it('notify: ticket.created is acknowledged and ticket.solved told by mail; a bounce naming our mail marks it bounced', async () => {
    const box = (await request(t.url).get(`/v1/mailboxes/${mailboxId}`).set(as(admin)).expect(200)).body;
    await request(t.url)
      .patch(`/v1/mailboxes/${mailboxId}`)
      .set(as(admin))
      .set('If-Match', `"${box.version}"`)
      .send({ notify: ['ticket.created', 'ticket.solved'] })
      .expect(200);
    try {
      const from = `frank.${randomUUID().slice(0, 8)}@example.org`;
      const first = `${randomUUID()}@client.example.org`;
      await mailFrom(from, { messageId: `<${first}>`, subject: 'Scanner jams', text: 'It jams.' });
      const [created] = await checkFor(first);
      const ticket = await ticketOf(created.ticketId!);
      const ack = await until(async () => receiver.mails.find((m) => m.subject === `Scanner jams [#${ticket.number}]`), 20_000, 'ack');
      expect(ack.headers.get('auto-submitted')).toBe('auto-generated');
      expect(ack.inReplyTo).toBe(`<${first}>`);
      await request(t.url).patch(`/v1/tickets/${ticket.id}`).set(as(admin)).send({ status: 'solved' }).expect(200);
      const solved = await until(
        async () => receiver.mails.find((m) => m.subject === `Re: Scanner jams [#${ticket.number}]` && (m.text ?? '').includes('solved')),
        20_000,
        'solved notice',
      );
      expect(solved.envelopeTo).toEqual([from]);
      const bounce = `${randomUUID()}@mx.example.org`;
      await mailFrom('MAILER-DAEMON@mx.example.org', {
        messageId: `<${bounce}>`,
        subject: 'Undelivered Mail Returned to Sender',
        text: `Delivery to ${from} failed permanently.\n\n--- original message ---\nMessage-ID: ${solved.messageId}\nSubject: ${solved.subject}\n`,
      });
      const [dropped] = await checkFor(bounce);
      expect(dropped.outcome).toBe('dropped');
      const [row] = await t.dataSource.query(`SELECT status FROM email_outbound WHERE "messageId" = $1`, [solved.messageId!.slice(1, -1)]);
      expect(row.status).toBe('bounced');
    } finally {
      const now = (await request(t.url).get(`/v1/mailboxes/${mailboxId}`).set(as(admin)).expect(200)).body;
      await request(t.url)
        .patch(`/v1/mailboxes/${mailboxId}`)
        .set(as(admin))
        .set('If-Match', `"${now.version}"`)
        .send({ notify: [] })
        .expect(200);
    }
  });

  it('an outbound server refusing for good (5xx) marks the mail failed; refusing for now (4xx) keeps it queued for a retry', async () => {
    const outboundOf = async (ticketId: string) =>
      (await t.dataSource.query(`SELECT status, attempts, "lastError" FROM email_outbound WHERE "ticketId" = $1`, [ticketId])) as {
        status: string;
        attempts: number;
        lastError: string | null;
      }[];
    for (const [code, status] of [
      [550, 'failed'],
      [451, 'queued'],
    ] as const) {
      const refusing = await startReceiver({ refuse: code });
      try {
        const address = `refused-${code}-${randomUUID().slice(0, 8)}@example.test`;
        await request(t.url)
          .post('/v1/mailboxes')
          .set(as(admin))
          .send({
            address,
            name: `Refused ${code}`,
            inbound: { protocol: 'smtp' },
            outbound: { host: '127.0.0.1', port: refusing.port, secure: false },
          })
          .expect(201);
        const transport = nodemailer.createTransport({
          host: '127.0.0.1',
          port: t.app.get(SmtpInbound).port!,
          secure: false,
          ignoreTLS: true,
        });
        const messageId = `${randomUUID()}@client.example.org`;
        await transport.sendMail({ from: 'gina@example.org', to: address, messageId: `<${messageId}>`, subject: 'Printer', text: 'Jams.' });
        transport.close();
        const ticketId = await until(
          async () => {
            const rows: { ticketId: string }[] = await t.dataSource.query(
              `SELECT "ticketId" FROM email_message WHERE "messageId" = $1 AND "ticketId" IS NOT NULL`,
              [messageId],
            );
            return rows[0]?.ticketId;
          },
          20_000,
          'the import',
        );
        await request(t.url).post(`/v1/tickets/${ticketId}/messages`).set(as(admin)).send({ body: 'Try a new drum.' }).expect(201);
        const [outbound] = await until(
          async () => {
            const rows = await outboundOf(ticketId);
            return rows.length === 1 && rows[0].attempts >= 1 && rows[0].lastError ? rows : null;
          },
          20_000,
          `the ${code} attempt`,
        );
        expect(outbound).toMatchObject({ status, lastError: expect.stringContaining(String(code)) });
        expect(refusing.mails).toHaveLength(0);
      } finally {
        await refusing.close();
      }
    }
  });

  it('a folder recreated (new UIDVALIDITY) is read again from its first message: new mail imported, mail seen before not twice', async () => {
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.imapPort,
      secure: false,
      auth: { user: SUPPORT, pass: 'secret' },
      logger: false,
    });
    await imap.connect();
    const folder = `Desk${randomUUID().slice(0, 6)}`;
    const mail = (id: string, subject: string) =>
      Buffer.from(`From: hal@example.org\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\n\r\n${subject}.\r\n`);
    try {
      await imap.mailboxCreate(folder);
      const seen = `${randomUUID()}@client.example.org`;
      await imap.append(folder, mail(seen, 'Seen before'));
      const box = (
        await request(t.url)
          .post('/v1/mailboxes')
          .set(as(admin))
          .send({
            address: `folder-${randomUUID().slice(0, 8)}@example.test`,
            name: 'Folder',
            inbound: {
              protocol: 'imap',
              host: '127.0.0.1',
              port: dovecot.imapPort,
              secure: false,
              username: SUPPORT,
              password: 'secret',
              folder,
            },
          })
          .expect(201)
      ).body;
      const entriesOf = async () =>
        (await request(t.url).get(`/v1/mailboxes/${box.id}/messages?limit=100`).set(as(admin)).expect(200)).body.data as {
          messageId: string;
          outcome: string;
        }[];
      const checkUntil = async (what: string, done: (entries: { messageId: string; outcome: string }[]) => boolean) => {
        await request(t.url).post(`/v1/mailboxes/${box.id}/check`).set(as(admin)).expect(202);
        return until(async () => ((entries) => done(entries) && entries)(await entriesOf()), 20_000, what);
      };
      await checkUntil('the first import', (e) => e.some((x) => x.messageId === seen));
      const [before] = await t.dataSource.query(`SELECT "imapUidValidity" FROM mailbox WHERE id = $1`, [box.id]);

      // Recreated: UIDs start again at 1. The new mail gets UID 1 (below the last UID stored), the old one UID 2.
      await imap.mailboxDelete(folder);
      await imap.mailboxCreate(folder);
      const fresh = `${randomUUID()}@client.example.org`;
      await imap.append(folder, mail(fresh, 'After the reset'));
      await imap.append(folder, mail(seen, 'Seen before'));
      const entries = await checkUntil('the import after the reset', (e) => e.some((x) => x.messageId === fresh));
      expect(entries.find((x) => x.messageId === fresh)).toMatchObject({ outcome: 'ticket_created' });
      expect(entries.filter((x) => x.messageId === seen)).toHaveLength(1);
      const [after] = await t.dataSource.query(`SELECT "imapUidValidity" FROM mailbox WHERE id = $1`, [box.id]);
      expect(after.imapUidValidity).not.toBe(before.imapUidValidity);
    } finally {
      await imap.logout();
    }
  });

  it('SMTP_INBOUND_PORT: mail delivered by SMTP to an smtp mailbox becomes a ticket (250 after commit); other recipients get 550', async () => {
    const address = `desk-${randomUUID().slice(0, 8)}@example.test`;
    const box = (
      await request(t.url)
        .post('/v1/mailboxes')
        .set(as(admin))
        .send({ address, name: 'Desk', inbound: { protocol: 'smtp' } })
        .expect(201)
    ).body;
    const port = t.app.get(SmtpInbound).port!;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const messageId = `${randomUUID()}@client.example.org`;
    const info = await transport.sendMail({
      from: 'dave@example.org',
      to: address,
      messageId: `<${messageId}>`,
      subject: 'Via SMTP',
      text: 'Hello',
    });
    expect(info.accepted).toEqual([address]);
    await expect(
      transport.sendMail({ from: 'dave@example.org', to: 'nobody@example.test', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({
      responseCode: 550,
    });
    // Over MAIL_MAX_BYTES: refused with 552 once the data is in, and nothing is stored.
    const tooBig = `${randomUUID()}@client.example.org`;
    await expect(
      transport.sendMail({
        from: 'dave@example.org',
        to: address,
        messageId: `<${tooBig}>`,
        subject: 'Big',
        text: 'x'.repeat(MAX_BYTES * 2),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    transport.close();
    const entry = await until(
      async () => {
        const data = (await request(t.url).get(`/v1/mailboxes/${box.id}/messages`).set(as(admin)).expect(200)).body.data;
        return data.find((e: { messageId: string }) => e.messageId === messageId);
      },
      20_000,
      'SMTP import',
    );
    expect(entry.outcome).toBe('ticket_created');
    expect((await ticketOf(entry.ticketId)).channel).toBe('email');
    expect(await t.dataSource.query(`SELECT 1 FROM email_message WHERE "messageId" = $1`, [tooBig])).toHaveLength(0);
  });
});
