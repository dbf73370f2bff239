import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { newId } from '../common/ids.js';
import { paginate, type KeysetColumn, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { rejectNulls } from '../common/validation/reject-nulls.js';
import { JobQueue } from '../jobs/job-queue.js';
import { Clock } from '../common/clock/clock.js';
import type { CreateMailboxInput, MailboxInboundInput, MailboxOutboundInput, UpdateMailboxInput } from './dto/mailbox.inputs.js';
import { EmailMessageEntity } from './email-message.entity.js';
import { MailSecrets } from './mail-secrets.js';
import { MailboxEntity, type InboundSettings, type OutboundSettings } from './mailbox.entity.js';

export const MAILBOX_KEYSET: KeysetColumn<MailboxEntity>[] = [
  { expression: 'b."createdAt"', direction: 'ASC', value: (b) => b.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'b.id', direction: 'ASC', value: (b) => b.id, cast: '::uuid' },
];
export const MAILBOX_MESSAGE_KEYSET: KeysetColumn<EmailMessageEntity>[] = [
  { expression: 'm."receivedAt"', direction: 'ASC', value: (m) => m.receivedAt.toISOString(), cast: '::timestamptz' },
  { expression: 'm.id', direction: 'ASC', value: (m) => m.id, cast: '::uuid' },
];
export const EMAIL_POLL_QUEUE = 'email-poll';

/** Mailboxes (admin only): settings, write-only passwords, "check now" and the import log. */
@Injectable()
export class MailboxesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: MailSecrets,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateMailboxInput): Promise<MailboxEntity> {
    assertRole(actor, 'admin');
    const id = newId();
    if (input.inbound.protocol === 'imap' && !input.inbound.password)
      throw DomainError.validation([{ field: 'inbound.password', message: 'an IMAP mailbox needs its password' }]);
    return this.dataSource.transaction(async (em) => {
      if (input.tierId) await this.assertTier(em, input.tierId);
      const row = em.create(MailboxEntity, {
        id,
        address: input.address.toLowerCase(),
        name: input.name,
        tierId: input.tierId ?? null,
        notify: input.notify ?? [],
        active: input.active ?? true,
        ...this.inbound(id, input.inbound, null),
        ...this.outbound(id, input.outbound ?? null, null),
      });
      return em.save(row);
    });
  }

  async update(actor: Actor, id: string, input: UpdateMailboxInput, expectedVersion?: number | null): Promise<MailboxEntity> {
    assertRole(actor, 'admin');
    rejectNulls(input, ['address', 'name', 'inbound', 'notify', 'active']);
    return this.dataSource.transaction(async (em) => {
      const box = await em.findOne(MailboxEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!box) throw DomainError.notFound('Mailbox');
      assertVersion(expectedVersion, box.version);
      if (input.tierId) await this.assertTier(em, input.tierId);
      if (input.address !== undefined) box.address = input.address.toLowerCase();
      if (input.name !== undefined) box.name = input.name;
      if (input.tierId !== undefined) box.tierId = input.tierId;
      if (input.notify !== undefined) box.notify = input.notify;
      if (input.active !== undefined) box.active = input.active;
      if (input.inbound) {
        const before = box.inbound;
        Object.assign(box, this.inbound(id, input.inbound, box.inboundPassword));
        if (box.inbound.protocol === 'imap' && !box.inboundPassword)
          throw DomainError.validation([{ field: 'inbound.password', message: 'an IMAP mailbox needs its password' }]);
        // Another account or folder: its UIDs mean nothing here.
        if (JSON.stringify(before) !== JSON.stringify(box.inbound)) Object.assign(box, { imapUidValidity: null, imapLastUid: '0' });
      }
      if (input.outbound !== undefined) Object.assign(box, this.outbound(id, input.outbound, box.outboundPassword));
      return em.save(box);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    assertRole(actor, 'admin');
    const { affected } = await this.dataSource.getRepository(MailboxEntity).delete({ id });
    if (!affected) throw DomainError.notFound('Mailbox');
  }

  async findOne(actor: Actor, id: string): Promise<MailboxEntity> {
    assertRole(actor, 'admin');
    const box = await this.dataSource.getRepository(MailboxEntity).findOneBy({ id });
    if (!box) throw DomainError.notFound('Mailbox');
    return box;
  }

  async list(actor: Actor, page: PageRequest): Promise<Page<MailboxEntity>> {
    assertRole(actor, 'admin');
    return paginate(this.dataSource.getRepository(MailboxEntity).createQueryBuilder('b'), MAILBOX_KEYSET, page);
  }

  /** Fetch new mail now: a poll job, run by whichever replica takes it (the answer does not wait for it). */
  async check(actor: Actor, id: string): Promise<MailboxEntity> {
    const box = await this.findOne(actor, id);
    if (box.inbound.protocol === 'imap')
      await this.dataSource.transaction((em) => this.jobs.schedule(em, EMAIL_POLL_QUEUE, { mailboxId: id }, this.clock.date()));
    return box;
  }

  /** The import log: messages taken in and what became of them (those still being imported appear once they are). */
  async messages(actor: Actor, id: string, page: PageRequest): Promise<Page<EmailMessageEntity>> {
    await this.findOne(actor, id);
    const qb = this.dataSource
      .getRepository(EmailMessageEntity)
      .createQueryBuilder('m')
      .where('m."mailboxId" = :id', { id })
      .andWhere(`m.status <> 'received'`);
    return paginate(qb, MAILBOX_MESSAGE_KEYSET, page);
  }

  private inbound(id: string, input: MailboxInboundInput, stored: string | null): Pick<MailboxEntity, 'inbound' | 'inboundPassword'> {
    if (input.protocol === 'smtp') {
      const extra = (['host', 'port', 'secure', 'username', 'password', 'folder'] as const).filter((f) => input[f] !== undefined);
      if (extra.length)
        throw DomainError.validation(extra.map((f) => ({ field: `inbound.${f}`, message: `inbound.${f} is for protocol imap only` })));
      return { inbound: { protocol: 'smtp' }, inboundPassword: null };
    }
    const settings: InboundSettings = {
      protocol: 'imap',
      host: input.host!,
      port: input.port!,
      secure: input.secure ?? input.port === 993,
      username: input.username!,
      folder: input.folder ?? 'INBOX',
    };
    return { inbound: settings, inboundPassword: input.password ? this.secrets.seal(input.password, id, 'inbound') : stored };
  }

  private outbound(
    id: string,
    input: MailboxOutboundInput | null,
    stored: string | null,
  ): Pick<MailboxEntity, 'outbound' | 'outboundPassword'> {
    if (!input) return { outbound: null, outboundPassword: null };
    const settings: OutboundSettings = {
      host: input.host,
      port: input.port,
      secure: input.secure ?? input.port === 465,
      username: input.username ?? null,
      from: input.from ?? null,
    };
    const password = input.password ? this.secrets.seal(input.password, id, 'outbound') : settings.username ? stored : null;
    return { outbound: settings, outboundPassword: password };
  }

  private async assertTier(em: EntityManager, tierId: string): Promise<void> {
    const [found] = await em.query(`SELECT 1 FROM tier WHERE id = $1 AND "deletedAt" IS NULL`, [tierId]);
    if (!found) throw DomainError.validation([{ field: 'tierId', message: 'tierId is not an existing tier' }]);
  }
}
