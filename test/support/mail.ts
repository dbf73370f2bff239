import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { SMTPServer } from 'smtp-server';

/** Delivers a mail into Dovecot over LMTP, as a mail server would. */
export async function deliver(lmtpPort: number, to: string, mail: Mail.Options): Promise<void> {
  const transport = nodemailer.createTransport({ lmtp: true, host: '127.0.0.1', port: lmtpPort });
  try {
    await transport.sendMail({ ...mail, to: mail.to ?? to, envelope: { from: 'sender@example.org', to: [to] } });
  } finally {
    transport.close();
  }
}

/** A real SMTP server on 127.0.0.1 (a free port) that keeps what it is sent, parsed. */
export interface Receiver {
  port: number;
  mails: (ParsedMail & { envelopeTo: string[] })[];
  close(): Promise<void>;
}

export async function startReceiver(options: { refuse?: number } = {}): Promise<Receiver> {
  const mails: Receiver['mails'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (options.refuse) return callback(Object.assign(new Error('refused'), { responseCode: options.refuse }));
        void simpleParser(Buffer.concat(chunks)).then((parsed) => {
          mails.push(Object.assign(parsed, { envelopeTo: session.envelope.rcptTo.map((r) => r.address) }));
          callback();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as { port: number };
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Polls `probe` until it returns something truthy, or fails after `ms`. */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, ms = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
