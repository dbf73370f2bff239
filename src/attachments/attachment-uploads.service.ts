import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { failpoint } from '../common/failpoints/failpoints.js';
import { newId } from '../common/ids.js';
import { IdempotencyService, type StoredResponse } from '../common/idempotency/idempotency.service.js';
import { writeTransaction, type CarriesUnitOfWork } from '../database/unit-of-work.js';
import { AppConfig } from '../config/app-config.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import { AttachmentEntity } from './attachment.entity.js';
import { toUploadResponse } from './attachment.model.js';
import type { Inspection } from './file-inspection.js';
import { sanitizeFilename } from './filename.js';
import { AttachmentStorage } from './storage/attachment-storage.js';
import { storeFile, type StoredFile } from './upload-stream.js';

/** One file part of a multipart upload, as the HTTP layer hands it over. */
export interface UploadPart {
  fieldname: string;
  filename: string;
  mimetype: string;
  file: Readable;
}

/** An upload's Idempotency-Key and the path it was sent to. */
export interface UploadKey {
  key: string;
  path: string;
}

export type UploadResult = { created: AttachmentEntity[] } | { replay: StoredResponse };

/**
 * Uploads, all or nothing: a failed part removes the others. Each file's row is inserted as `pending` once its type is
 * known and before its first byte is written, and becomes `stored` with the `ticket.attachment_added` event: storage never
 * holds bytes no row names, whatever crashes when.
 *
 * An Idempotency-Key is applied here, not by the interceptor: the request's fingerprint includes each file's sha256, known
 * only once the bytes have streamed. The same key with the same files replays the first response; with other files, 422.
 */
@Injectable()
export class AttachmentUploads {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly storage: AttachmentStorage,
    private readonly writer: TicketWriter,
    private readonly outbox: OutboxDispatcher,
    private readonly idempotency: IdempotencyService,
    private readonly config: AppConfig,
  ) {}

  async upload(actor: Actor, ticketId: string, parts: AsyncIterable<UploadPart>, once?: UploadKey): Promise<UploadResult> {
    if (once) IdempotencyService.assertValidKey(once.key);
    const ticket = await this.access.findVisible(actor, ticketId);
    if (ticket.status === 'closed') throw new DomainError('INVALID_TRANSITION', 'The ticket is closed; open a follow-up ticket instead');
    const reserved = new Map<string, AttachmentEntity>(); // by storage key
    let claimed = false;
    try {
      const stored = await this.store(actor, ticketId, parts, reserved);
      failpoint('attachments.after-bytes');
      let writer: CarriesUnitOfWork = actor;
      if (once) {
        const fingerprint = IdempotencyService.fingerprint(
          'POST',
          once.path,
          stored.map((s) => ({ filename: reserved.get(s.storageKey)!.filename, sha256: s.sha256, size: s.size })),
        );
        const claim = await this.idempotency.claim(actor.scope, once.key, fingerprint);
        if (claim.kind === 'replay') {
          await this.discard([...reserved.values()]); // the first request's files answer; these bytes are the same
          return { replay: claim.response };
        }
        claimed = true;
        writer = {
          unitOfWork: {
            beforeCommit: (em, rows) =>
              this.idempotency.complete(
                actor.scope,
                once.key,
                { status: 201, body: toUploadResponse(rows as AttachmentEntity[]), headers: {} },
                em,
              ),
          },
        };
      }
      const rows = await writeTransaction(this.dataSource, writer, async (em) => {
        const locked = await this.writer.lock(em, ticketId);
        if (!locked) throw DomainError.notFound('Ticket');
        const created: AttachmentEntity[] = [];
        for (const s of stored) {
          const row = Object.assign(reserved.get(s.storageKey)!, { status: 'stored', size: String(s.size), sha256: s.sha256 });
          const { affected } = await em.update(
            AttachmentEntity,
            { id: row.id, status: 'pending' },
            { status: row.status, size: row.size, sha256: row.sha256 },
          );
          // The sweep took a row pending for longer than its cut-off (and maybe the bytes with it).
          if (affected !== 1)
            throw new DomainError('CONFLICT', 'The upload took too long and was discarded; send it again', [
              { field: 'file', message: `${row.filename} was discarded` },
            ]);
          created.push(row);
          // A staff upload may be meant for an internal note: its name reaches customers only once a public message carries it.
          await this.writer.record(em, locked, {
            type: 'ticket.attachment_added',
            actorId: actor.id,
            internal: isStaff(actor),
            after: { attachmentId: row.id, filename: row.filename, kind: row.kind, size: s.size },
          });
        }
        return created;
      });
      this.outbox.poke();
      return { created: rows };
    } catch (error) {
      if (claimed) await this.idempotency.release(actor.scope, once!.key);
      await this.discard([...reserved.values()]);
      throw error;
    }
  }

  /** Streams each `file` part to storage behind its pending row. */
  private async store(
    actor: Actor,
    ticketId: string,
    parts: AsyncIterable<UploadPart>,
    reserved: Map<string, AttachmentEntity>,
  ): Promise<StoredFile[]> {
    const { maxBytes, maxDecompressedBytes } = this.config.attachments;
    const stored: StoredFile[] = [];
    for await (const part of parts) {
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw DomainError.validation([{ field: part.fieldname, message: 'only parts named "file" are accepted' }]);
      }
      const filename = sanitizeFilename(part.filename);
      stored.push(
        await storeFile(this.storage, part.file, filename, part.mimetype, { maxBytes, maxDecompressedBytes }, async (inspection) => {
          const row = await this.reserve(actor, ticketId, filename, inspection);
          reserved.set(row.storageKey, row);
          return row.storageKey;
        }),
      );
    }
    if (stored.length === 0) throw DomainError.validation([{ field: 'file', message: 'send at least one part named "file"' }]);
    return stored;
  }

  private async reserve(actor: Actor, ticketId: string, filename: string, inspection: Inspection): Promise<AttachmentEntity> {
    const repository = this.dataSource.getRepository(AttachmentEntity);
    const row = repository.create({
      id: newId(),
      ticketId,
      uploaderId: actor.id,
      filename,
      contentType: inspection.contentType,
      size: '0',
      sha256: '',
      kind: inspection.kind,
      width: inspection.width,
      height: inspection.height,
      storageKey: newId(),
      status: 'pending',
      messageId: null,
      infoRequestId: null,
    });
    await repository.insert(row); // committed on its own: a crash from here on leaves a row the sweep finds
    return row;
  }

  /**
   * Undoes a failed upload: its rows still pending, then the bytes of every one of its rows that is gone (the sweep may
   * have taken one while it was written). A row that became stored keeps its bytes, and whatever a failure here leaves
   * (a pending row, or bytes without a row) is the sweep's.
   */
  private async discard(rows: AttachmentEntity[]): Promise<void> {
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    try {
      await this.dataSource.query(`DELETE FROM attachment WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [ids]);
      const left = new Set(
        (await this.dataSource.query(`SELECT id FROM attachment WHERE id = ANY($1::uuid[])`, [ids])).map((r: { id: string }) => r.id),
      );
      await Promise.all(rows.filter((r) => !left.has(r.id)).map((r) => this.storage.delete(r.storageKey).catch(() => undefined)));
    } catch {
      return; // the database is out of reach: the sweep removes the pending rows and their bytes later
    }
  }
}
