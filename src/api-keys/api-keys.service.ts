import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { IdentityChanges } from '../identity/identity-changes.js';
import { SnapshotCache } from '../identity/snapshot-cache.js';
import { LRUCache } from 'lru-cache';
import { newId } from '../common/ids.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { UserEntity } from '../users/user.entity.js';
import { toActor, UsersService } from '../users/users.service.js';
import { ApiKeyEntity } from './api-key.entity.js';
import type { CreateApiKeyInput } from './dto/create-api-key.input.js';
import { writeTransaction } from '../database/unit-of-work.js';

export const API_KEY_PREFIX = 'tdk_';
const LAST_USED_GRANULARITY_MS = 60_000;
const KEY_CACHE_SIZE = 10_000;
const KEY_CACHE_TTL_MS = 5 * 60_000;
// A made-up secret is refused from memory for this long; a real key is never created under a hash seen before.
const UNKNOWN_CACHE_SIZE = 100_000;
const UNKNOWN_CACHE_TTL_MS = 60_000;

interface CachedKey {
  actor: Actor;
  expiresAt: number | null;
}

function cachedKeyOf(row: ApiKeyEntity): CachedKey {
  const user = (row as ApiKeyEntity & { user: UserEntity }).user;
  return { actor: toActor(Object.assign(user, { role: row.role }), row.id), expiresAt: row.expiresAt?.getTime() ?? null };
}

export const API_KEY_KEYSET: KeysetColumn<ApiKeyEntity>[] = [
  { expression: 'k."createdAt"', direction: 'ASC', value: (k) => k.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'k.id', direction: 'ASC', value: (k) => k.id, cast: '::uuid' },
];

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly cache = new SnapshotCache<string, CachedKey>(KEY_CACHE_SIZE, KEY_CACHE_TTL_MS);
  private readonly unknown = new LRUCache<string, true>({ max: UNKNOWN_CACHE_SIZE, ttl: UNKNOWN_CACHE_TTL_MS });
  private readonly lastTouched = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly identities: IdentityChanges,
    private readonly clock: Clock,
  ) {
    identities.subscribe((change) => {
      if (change === 'all') return this.cache.invalidate();
      const [kind, id] = change.split(':');
      if (kind === 'apiKey') this.cache.invalidate((k) => k.actor.apiKeyId === id);
      else if (kind === 'user') this.cache.invalidate((k) => k.actor.id === id);
    });
  }

  /** Creates a key and its service identity; the secret (`tdk_` + 32 random bytes) is returned this once only. */
  async create(actor: Actor, input: CreateApiKeyInput): Promise<{ key: ApiKeyEntity; secret: string }> {
    assertRole(actor, 'admin');
    if (input.expiresAt && input.expiresAt.getTime() <= this.clock.now()) {
      throw DomainError.validation([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    }
    const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    return writeTransaction(this.dataSource, actor, async (em) => {
      const id = newId();
      const identity = await this.users.createServiceIdentity(em, id, input.name, input.role);
      const key = await em.save(
        em.create(ApiKeyEntity, {
          id,
          name: input.name,
          role: input.role,
          prefix: secret.slice(0, 12),
          secretHash: hashOf(secret),
          userId: identity.id,
          createdById: actor.id,
          expiresAt: input.expiresAt ?? null,
        }),
      );
      return { key, secret };
    });
  }

  /**
   * The actor behind a presented secret, or null when unknown, revoked, expired or its identity deactivated. Known keys
   * are cached (revocation reaches every replica through IdentityChanges), and so, briefly, are unknown secrets: a
   * stream of made-up `tdk_` bearers costs no database lookups beyond the first of each.
   */
  async authenticate(secret: string): Promise<Actor | null> {
    const hash = hashOf(secret);
    if (this.unknown.has(hash)) return null;
    const trusted = this.identities.trustworthy;
    const stamp = this.cache.stamp();
    let key = trusted ? this.cache.get(`hash:${hash}`) : undefined;
    if (!key) {
      const row = await this.keyWithUser()
        .where('k."secretHash" = :hash', { hash })
        .andWhere('k."revokedAt" IS NULL')
        .andWhere('u.active')
        .getOne();
      if (!row) {
        this.unknown.set(hash, true);
        return null;
      }
      key = cachedKeyOf(row);
      if (trusted) this.cache.set(stamp, `hash:${hash}`, key);
    }
    if (key.expiresAt !== null && key.expiresAt <= this.clock.now()) return null;
    this.touch(key.actor.apiKeyId!);
    return { ...key.actor, ...(key.expiresAt !== null ? { expiresAt: key.expiresAt } : {}) };
  }

  /** The key's actor as it is now (a live subscription re-checks it): null once revoked, expired or deactivated. */
  async current(keyId: string): Promise<Actor | null> {
    const trusted = this.identities.trustworthy;
    const stamp = this.cache.stamp();
    let key = trusted ? this.cache.get(`id:${keyId}`) : undefined;
    if (!key) {
      const row = await this.keyWithUser()
        .where('k.id = :keyId', { keyId })
        .andWhere('k."revokedAt" IS NULL')
        .andWhere('u.active')
        .getOne();
      if (!row) return null;
      key = cachedKeyOf(row);
      if (trusted) this.cache.set(stamp, `id:${keyId}`, key);
    }
    return key.expiresAt !== null && key.expiresAt <= this.clock.now() ? null : key.actor;
  }

  private keyWithUser() {
    return this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .innerJoinAndMapOne('k.user', UserEntity, 'u', 'u.id = k."userId"');
  }

  // The last-used time is informational: written at most once a minute per key, after the response, never awaited.
  private touch(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < LAST_USED_GRANULARITY_MS) return;
    this.lastTouched.set(keyId, now);
    this.dataSource
      .query(`UPDATE api_key SET "lastUsedAt" = now() WHERE id = $1`, [keyId])
      .catch((error: Error) => this.logger.warn(`Recording the last use of API key ${keyId} failed: ${error.message}`));
  }

  async list(actor: Actor, page: { limit: number; cursor?: string }): Promise<Page<ApiKeyEntity>> {
    assertRole(actor, 'admin');
    return paginate(this.dataSource.getRepository(ApiKeyEntity).createQueryBuilder('k'), API_KEY_KEYSET, page);
  }

  async findOne(actor: Actor, id: string): Promise<ApiKeyEntity> {
    assertRole(actor, 'admin');
    const key = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id });
    if (!key) throw DomainError.notFound('API key');
    return key;
  }

  /** Revocation is immediate and final, on every replica; revoking twice is harmless. */
  async revoke(actor: Actor, id: string): Promise<ApiKeyEntity> {
    const key = await this.findOne(actor, id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.dataSource.transaction(async (em) => {
        await em.update(ApiKeyEntity, { id }, { revokedAt: key.revokedAt });
        await this.identities.publish(em, `apiKey:${id}`);
      });
    }
    return key;
  }
}
