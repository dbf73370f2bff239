import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { MailReceiver } from './mail-receiver.js';

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * SMTP/LMTP-style delivery straight to Tierdesk (SMTP_INBOUND_PORT; off when unset): recipients must be addresses of
 * active `protocol: "smtp"` mailboxes (else 550), the size is capped at MAIL_MAX_BYTES, and 250 is answered only after
 * the message (one row per recipient mailbox) and its import jobs have committed.
 */
@Injectable()
export class SmtpInbound implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private server: SMTPServer | null = null;
  /** The port it listens on (useful when SMTP_INBOUND_PORT is 0). */
  port: number | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly receiver: MailReceiver,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { smtpPort, smtpHost, maxBytes } = this.config.mail;
    if (smtpPort === null) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: maxBytes,
      logger: false,
      banner: 'Tierdesk',
      onRcptTo: (address, session, callback) => {
        this.mailboxFor(address.address)
          .then((id) => (id ? callback() : callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`))))
          .catch(() => callback(smtpError(451, '4.3.0 temporary failure; try again later')));
      },
      onData: (stream, session, callback) => {
        this.accept(stream, session)
          .then(() => callback())
          .catch((error: Error & { responseCode?: number }) =>
            callback(error.responseCode ? error : smtpError(451, '4.3.0 temporary failure')),
          );
      },
    });
    server.on('error', (error) => this.logger.error(`SMTP receiver: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(smtpPort, smtpHost, () => resolve());
    });
    const address = server.server.address();
    this.port = typeof address === 'object' && address ? address.port : smtpPort;
    this.server = server;
    this.logger.log(`Taking mail by SMTP on ${smtpHost}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async accept(stream: Readable, session: SMTPServerSession): Promise<void> {
    // smtp-server only flags a message over the size limit once it has all streamed in: past the limit, read on (the
    // client is owed its 552 after the data) but keep nothing, so no sender can make us hold more than MAIL_MAX_BYTES.
    const { maxBytes } = this.config.mail;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    }
    if (size > maxBytes || (stream as Readable & { sizeExceeded?: boolean }).sizeExceeded)
      throw smtpError(552, `5.3.4 message larger than ${maxBytes} bytes`);
    const raw = Buffer.concat(chunks);
    const ids = new Set<string>();
    for (const rcpt of session.envelope.rcptTo as SMTPServerAddress[]) {
      const id = await this.mailboxFor(rcpt.address);
      if (id) ids.add(id);
    }
    await this.dataSource.transaction(async (em) => {
      for (const id of ids) await this.receiver.receive(em, id, raw);
    });
  }

  private async mailboxFor(address: string): Promise<string | null> {
    const [row]: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM mailbox WHERE address = $1 AND active AND inbound->>'protocol' = 'smtp'`,
      [address.toLowerCase()],
    );
    return row?.id ?? null;
  }
}
