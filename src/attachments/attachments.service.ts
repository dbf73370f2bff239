import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { DomainError, type FieldError } from '../common/errors/domain-error.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { AppConfig } from '../config/app-config.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { TicketAccess, type TicketScope } from '../ticket-core/ticket-access.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { AttachmentEntity, type AttachmentKind } from './attachment.entity.js';
import { AttachmentStorage, type ByteRange } from './storage/attachment-storage.js';

export const ATTACHMENT_KEYSET: KeysetColumn<AttachmentEntity>[] = [
  { expression: 'a."createdAt"', direction: 'ASC', value: (a) => a.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'a.id', direction: 'ASC', value: (a) => a.id, cast: '::uuid' },
];
const PREVIEW_MAX_BYTES = 1024 * 1024;

/**
 * Files on tickets. Visibility follows the ticket and the message a file belongs to: a file on an internal note is
 * staff-only, and an upload not yet attached is seen by its uploader and staff only (it may be meant for a note).
 */
@Injectable()
export class AttachmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly storage: AttachmentStorage,
    private readonly outbox: OutboxDispatcher,
    private readonly config: AppConfig,
  ) {}

  async findOne(actor: Actor, id: string): Promise<AttachmentEntity> {
    const attachment = await this.dataSource.getRepository(AttachmentEntity).findOneBy({ id, status: 'stored' });
    if (!attachment || !(await this.visibleTo(actor, await this.access.scopeOf(actor), [attachment])).length)
      throw DomainError.notFound('Attachment');
    return attachment;
  }

  async list(actor: Actor, ticketId: string, page: { limit: number; cursor?: string }): Promise<Page<AttachmentEntity>> {
    await this.access.findVisible(actor, ticketId);
    const qb = this.dataSource
      .getRepository(AttachmentEntity)
      .createQueryBuilder('a')
      .where('a."ticketId" = :ticketId', { ticketId })
      .andWhere(`a.status = 'stored'`);
    if (!isStaff(actor)) {
      qb.leftJoin('ticket_message', 'm', 'm.id = a."messageId"').andWhere(
        `(m.visibility = 'public' OR a."infoRequestId" IS NOT NULL OR (a."messageId" IS NULL AND a."uploaderId" = :me))`,
        { me: actor.id },
      );
    }
    return paginate(qb, ATTACHMENT_KEYSET, page);
  }

  /** The bytes, whole or one range (already validated against the size). */
  async content(actor: Actor, id: string, range?: ByteRange): Promise<{ attachment: AttachmentEntity; body: Readable }> {
    const attachment = await this.findOne(actor, id);
    return { attachment, body: await this.storage.get(attachment.storageKey, range) };
  }

  /** The last `lines` lines of a text log, read from the end of the file (at most 1 MiB of it). */
  async preview(actor: Actor, id: string, lines: number): Promise<string> {
    const attachment = await this.findOne(actor, id);
    if (attachment.kind !== 'log')
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Only text logs have a preview', [
        { field: 'id', message: `a ${attachment.kind}, not a log` },
      ]);
    const size = Number(attachment.size);
    if (size === 0) return '';
    const start = Math.max(0, size - PREVIEW_MAX_BYTES);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.storage.get(attachment.storageKey, { start, end: size - 1 })) chunks.push(chunk as Buffer);
    let text = Buffer.concat(chunks).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1); // the first line read is cut: drop it
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return all.slice(-lines).join('\n');
  }

  /**
   * Links uploads to a new message, in its transaction: each id must be an unattached upload of this ticket by the
   * author (400 naming `attachmentIds[i]` otherwise).
   */
  async attachToMessage(em: EntityManager, actor: Actor, ticketId: string, messageId: string, ids: string[]): Promise<void> {
    await this.claim(em, actor, ticketId, ids, 'attachmentIds', { messageId });
  }

  /** Same for an information-request answer; `kinds` restricts what the item accepts (a log item refuses a PNG). */
  async attachToInfoRequest(
    em: EntityManager,
    actor: Actor,
    ticketId: string,
    infoRequestId: string,
    ids: string[],
    kinds: AttachmentKind[] | null,
  ): Promise<void> {
    await this.claim(em, actor, ticketId, ids, 'attachmentIds', { infoRequestId }, kinds);
  }

  /**
   * For a hand-off (staff, on a ticket they can see, so every file of it is theirs to see): each id must be a file of
   * this ticket (400 naming `handoff.attachmentIds[i]`). Runs in the caller's transaction.
   */
  async assertHandoffFiles(em: EntityManager, ticketId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set(
      (await em.find(AttachmentEntity, { where: { id: In(ids), ticketId, status: 'stored' }, select: { id: true } })).map((a) => a.id),
    );
    const errors = ids.flatMap((id, i) =>
      found.has(id) ? [] : [{ field: `handoff.attachmentIds[${i}]`, message: `${id} is not a file of this ticket` }],
    );
    if (errors.length) throw DomainError.validation(errors);
  }

  /** Deletes uploads never attached within the TTL: the rows first (in a transaction), then their bytes. */
  async collectUnattached(olderThan: Date, batch = 500): Promise<number> {
    const keys: { storageKey: string }[] = await this.dataSource.transaction(async (em) => {
      const [rows] = await em.query(
        `DELETE FROM attachment WHERE id IN (
           SELECT a.id FROM attachment a WHERE a."messageId" IS NULL AND a."infoRequestId" IS NULL AND a."createdAt" < $1 AND a.status = 'stored'
             -- handed over with an escalation: referenced, so kept
             AND NOT EXISTS (SELECT 1 FROM ticket_escalation x WHERE x."ticketId" = a."ticketId" AND x.handoff->'attachmentIds' ? a.id::text)
           ORDER BY a."createdAt" LIMIT ${batch} FOR UPDATE OF a SKIP LOCKED)
         RETURNING "storageKey"`,
        [olderThan],
      );
      return rows;
    });
    for (const { storageKey } of keys) await this.storage.delete(storageKey);
    return keys.length;
  }

  /**
   * Removes what interrupted uploads left behind before `cutoff`: pending rows created before it, with their bytes;
   * then stored objects no row names and temp files, last written before it. Safe beside running uploads: an upload
   * inserts its row before its first byte, so bytes without a row never belong to one still going.
   */
  async sweep(cutoff: Date): Promise<{ pending: number; unreferenced: number; incomplete: number }> {
    let pending = 0;
    for (;;) {
      const removed = await this.removePending(cutoff);
      if (removed === 0) break;
      pending += removed;
    }
    let unreferenced = 0;
    for await (const page of this.storage.list()) {
      const old = page.filter((o) => o.writtenAt < cutoff).map((o) => o.key);
      if (old.length === 0) continue;
      const rows: { storageKey: string }[] = await this.dataSource.query(
        `SELECT "storageKey" FROM attachment WHERE "storageKey" = ANY($1::text[])`,
        [old],
      );
      const named = new Set(rows.map((r) => r.storageKey));
      for (const key of old.filter((k) => !named.has(k))) {
        await this.storage.delete(key);
        unreferenced++;
      }
    }
    return { pending, unreferenced, incomplete: await this.storage.removeIncomplete(cutoff) };
  }

  /** The attachments among `rows` the actor may see. */
  async visibleTo(actor: Actor, scope: TicketScope, rows: AttachmentEntity[]): Promise<AttachmentEntity[]> {
    rows = rows.filter((a) => a.status === 'stored');
    if (rows.length === 0) return [];
    const tickets = await this.dataSource.getRepository(TicketEntity).findBy({ id: In([...new Set(rows.map((a) => a.ticketId))]) });
    const seen = new Set(tickets.filter((t) => this.access.canSee(scope, t)).map((t) => t.id));
    const messageIds = [...new Set(rows.map((a) => a.messageId).filter((m): m is string => m !== null))];
    const internal = new Set<string>(
      !isStaff(actor) && messageIds.length
        ? (
            await this.dataSource.query(`SELECT id FROM ticket_message WHERE id = ANY($1::uuid[]) AND visibility = 'internal'`, [
              messageIds,
            ])
          ).map((m: { id: string }) => m.id)
        : [],
    );
    return rows.filter((a) => {
      if (!seen.has(a.ticketId)) return false;
      if (isStaff(actor)) return true;
      if (a.messageId) return !internal.has(a.messageId);
      return a.infoRequestId !== null || a.uploaderId === actor.id;
    });
  }

  /** The row of a file about to be written, before its first byte; size and hash are placeholders until stored. */
  /** Pending rows created before `cutoff`, a batch at a time: the rows (in a transaction), then their bytes. */
  private async removePending(cutoff: Date, batch = 500): Promise<number> {
    const keys: { storageKey: string }[] = await this.dataSource.transaction(async (em) => {
      const [rows] = await em.query(
        `DELETE FROM attachment WHERE id IN (
           SELECT id FROM attachment WHERE status = 'pending' AND "createdAt" < $1 ORDER BY "createdAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
         RETURNING "storageKey"`,
        [cutoff],
      );
      return rows;
    });
    for (const { storageKey } of keys) await this.storage.delete(storageKey);
    return keys.length;
  }

  private async claim(
    em: EntityManager,
    actor: Actor,
    ticketId: string,
    ids: string[],
    field: string,
    link: Partial<AttachmentEntity>,
    kinds: AttachmentKind[] | null = null,
  ): Promise<void> {
    if (ids.length === 0) return;
    const rows = await em.find(AttachmentEntity, { where: { id: In(ids), status: 'stored' }, lock: { mode: 'pessimistic_write' } });
    const errors: FieldError[] = [];
    ids.forEach((id, i) => {
      const row = rows.find((a) => a.id === id);
      const problem =
        !row || row.ticketId !== ticketId || row.uploaderId !== actor.id
          ? 'is not an upload of yours on this ticket'
          : row.messageId || row.infoRequestId
            ? 'is already attached'
            : kinds && !kinds.includes(row.kind)
              ? `is a ${row.kind}; this item takes ${kinds.join(' or ')}`
              : null;
      if (problem) errors.push({ field: `${field}[${i}]`, message: `${id} ${problem}` });
    });
    if (errors.length) throw DomainError.validation(errors);
    await em.update(AttachmentEntity, { id: In(ids) }, link);
  }
}
