import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';
import { preparedIn, preparedRead, type PreparedStatement } from '../../database/prepared-read.js';
import type { Actor } from '../../actor/actor.js';
import { IdempotencyKeyEntity } from './idempotency-key.entity.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
// A claim whose process died is released after this; a live request that takes longer gets 409 on a retry meanwhile.
const IN_FLIGHT_LEASE_MS = 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

/** Idempotency-Key semantics of API.md, shared by the REST interceptor and GraphQL mutations (`idempotencyKey`). */
// Insert, or take over a row that expired or whose claimant died; the row lock makes concurrent claims queue.
const CLAIM: PreparedStatement = {
  name: 'idempotency_claim',
  text: `INSERT INTO idempotency_key (scope, key, fingerprint, "lockedUntil", "expiresAt")
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, "lockedUntil" = EXCLUDED."lockedUntil", "expiresAt" = EXCLUDED."expiresAt",
               "responseStatus" = NULL, "responseBody" = NULL, "responseHeaders" = NULL, "createdAt" = now()
           WHERE idempotency_key."expiresAt" < now()
              OR (idempotency_key."responseStatus" IS NULL AND idempotency_key."lockedUntil" < now())
         RETURNING scope`,
};
const COMPLETE: PreparedStatement = {
  name: 'idempotency_complete',
  text: `UPDATE idempotency_key SET "responseStatus" = $3, "responseBody" = $4, "responseHeaders" = $5 WHERE scope = $1 AND key = $2`,
};

@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  static fingerprint(method: string, path: string, body: unknown): string {
    return createHash('sha256')
      .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
      .digest('hex');
  }

  static assertValidKey(key: string, field = 'Idempotency-Key'): void {
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
      throw DomainError.validation([{ field, message: `${field} must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` }]);
    }
  }

  /** Claims the key for this request, or says what to replay; throws 409 (in flight) or 422 (other request). */
  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    const now = Date.now();
    const taken = await preparedRead(this.dataSource, CLAIM, [
      scope,
      key,
      fingerprint,
      new Date(now + IN_FLIGHT_LEASE_MS),
      new Date(now + IDEMPOTENCY_TTL_MS),
    ]);
    if (taken.length > 0) return { kind: 'claimed' };
    const existing = await this.dataSource.getRepository(IdempotencyKeyEntity).findOneBy({ scope, key });
    if (!existing) return this.claim(scope, key, fingerprint); // released between the two statements
    if (existing.fingerprint !== fingerprint) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');
    }
    if (existing.responseStatus === null) {
      throw new DomainError('CONFLICT', 'A request with this Idempotency-Key is still being processed; retry later');
    }
    return {
      kind: 'replay',
      response: { status: existing.responseStatus, body: existing.responseBody, headers: existing.responseHeaders ?? {} },
    };
  }

  /** Stores the response to replay; with `em`, inside that transaction (so it commits with the write it answers). */
  async complete(scope: string, key: string, response: StoredResponse, em?: EntityManager): Promise<void> {
    const values = [scope, key, response.status, JSON.stringify(response.body ?? null), JSON.stringify(response.headers)];
    if (em?.queryRunner?.isTransactionActive) await preparedIn(em, COMPLETE, values);
    else await preparedRead(this.dataSource, COMPLETE, values);
  }

  /** A request that failed stores nothing: the caller may fix it and retry with the same key. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_key WHERE scope = $1 AND key = $2 AND "responseStatus" IS NULL`, [scope, key]);
  }

  /**
   * A GraphQL mutation taking an optional `idempotencyKey`: without one it just runs. With one, `write` runs at most once
   * per key, and its response — `respond` of what it returns — is stored in its write transaction (the actor it is
   * given carries the unit of work), so a crash after the commit replays rather than runs again. A replay is the stored
   * JSON, where dates are strings: `revive` turns it back into what the resolver returns. `notStored` fields (secrets)
   * are stored as null.
   */
  async mutation<R, T>(
    actor: Actor,
    operation: string,
    input: unknown,
    key: string | undefined,
    write: (actor: Actor) => Promise<R>,
    respond: (result: R) => T,
    revive: (stored: T) => T,
    notStored: string[] = [],
  ): Promise<T> {
    if (!key) return respond(await write(actor));
    IdempotencyService.assertValidKey(key, 'idempotencyKey');
    const claim = await this.claim(actor.scope, key, IdempotencyService.fingerprint('mutation', operation, input));
    if (claim.kind === 'replay') return revive(claim.response.body as T);
    let stored = false;
    const store = async (body: unknown, em?: EntityManager) => {
      await this.complete(actor.scope, key, { status: 200, body: withoutFields(body, notStored), headers: {} }, em);
      stored = true;
    };
    try {
      const value = respond(await write({ ...actor, unitOfWork: { beforeCommit: (em, result) => store(respond(result as R), em) } }));
      if (!stored) await store(value); // a write without a transaction of its own
      return value;
    } catch (error) {
      await this.release(actor.scope, key);
      throw error;
    }
  }

  async purgeExpired(): Promise<number> {
    const result = await this.dataSource.query(`DELETE FROM idempotency_key WHERE "expiresAt" < now()`);
    return (result as [unknown, number])[1] ?? 0;
  }
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` fingerprint alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The body with `fields` set to null, as stored for replay (secrets are only ever kept hashed). */
export function withoutFields<T>(body: T, fields: string[]): T {
  if (!fields.length || !body || typeof body !== 'object') return body;
  return { ...body, ...Object.fromEntries(fields.map((f) => [f, null])) };
}
