import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';
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
@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  static fingerprint(method: string, path: string, body: unknown): string {
    return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body ?? null)}`).digest('hex');
  }

  static assertValidKey(key: string, field = 'Idempotency-Key'): void {
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
      throw DomainError.validation([{ field, message: `${field} must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` }]);
    }
  }

  /** Claims the key for this request, or says what to replay; throws 409 (in flight) or 422 (other request). */
  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    const now = Date.now();
    // Insert, or take over a row that expired or whose claimant died; the row lock makes concurrent claims queue.
    const taken: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_key (scope, key, fingerprint, "lockedUntil", "expiresAt")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, "lockedUntil" = EXCLUDED."lockedUntil", "expiresAt" = EXCLUDED."expiresAt",
             "responseStatus" = NULL, "responseBody" = NULL, "responseHeaders" = NULL, "createdAt" = now()
         WHERE idempotency_key."expiresAt" < now()
            OR (idempotency_key."responseStatus" IS NULL AND idempotency_key."lockedUntil" < now())
       RETURNING scope`,
      [scope, key, fingerprint, new Date(now + IN_FLIGHT_LEASE_MS), new Date(now + IDEMPOTENCY_TTL_MS)],
    );
    if (taken.length > 0) return { kind: 'claimed' };
    const existing = await this.dataSource.getRepository(IdempotencyKeyEntity).findOneBy({ scope, key });
    if (!existing) return this.claim(scope, key, fingerprint); // released between the two statements
    if (existing.fingerprint !== fingerprint) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');
    }
    if (existing.responseStatus === null) {
      throw new DomainError('CONFLICT', 'A request with this Idempotency-Key is still being processed; retry later');
    }
    return { kind: 'replay', response: { status: existing.responseStatus, body: existing.responseBody, headers: existing.responseHeaders ?? {} } };
  }

  /** Stores the response to replay; with `em`, inside that transaction (so it commits with the write it answers). */
  async complete(scope: string, key: string, response: StoredResponse, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.query(
      `UPDATE idempotency_key SET "responseStatus" = $3, "responseBody" = $4, "responseHeaders" = $5 WHERE scope = $1 AND key = $2`,
      [scope, key, response.status, JSON.stringify(response.body ?? null), JSON.stringify(response.headers)],
    );
  }

  /** A request that failed stores nothing: the caller may fix it and retry with the same key. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_key WHERE scope = $1 AND key = $2 AND "responseStatus" IS NULL`, [scope, key]);
  }

  /** Runs `work` at most once per (scope, key); GraphQL mutations use this directly. `store` picks what is kept. */
  async execute<T>(
    scope: string,
    key: string,
    fingerprint: string,
    work: () => Promise<T>,
    store: (value: T) => unknown = (value) => value,
  ): Promise<{ value: T; replayed: boolean }> {
    IdempotencyService.assertValidKey(key, 'idempotencyKey');
    const claim = await this.claim(scope, key, fingerprint);
    if (claim.kind === 'replay') return { value: claim.response.body as T, replayed: true };
    try {
      const value = await work();
      await this.complete(scope, key, { status: 200, body: store(value), headers: {} });
      return { value, replayed: false };
    } catch (error) {
      await this.release(scope, key);
      throw error;
    }
  }

  /**
   * A GraphQL mutation taking an optional `idempotencyKey`: without one it just runs. A replay is the stored JSON, where
   * dates are strings, so `revive` turns it back into what the resolver returns (the DateTime scalar needs Dates).
   */
  async mutation<T>(scope: string, operation: string, input: unknown, key: string | undefined, work: () => Promise<T>, revive: (stored: T) => T): Promise<T> {
    if (!key) return work();
    const { value, replayed } = await this.execute(scope, key, IdempotencyService.fingerprint('mutation', operation, input), work);
    return replayed ? revive(value) : value;
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
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
