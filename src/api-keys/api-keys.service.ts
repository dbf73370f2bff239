import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertRole, type Actor } from '../auth/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { newId } from '../common/ids.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { UserEntity } from '../users/user.entity.js';
import { toActor, UsersService } from '../users/users.service.js';
import { ApiKeyEntity } from './api-key.entity.js';
import type { CreateApiKeyInput } from './dto/create-api-key.input.js';

export const API_KEY_PREFIX = 'tdk_';
// last-used time is informational: writing it at most once a minute keeps authentication read-only on the hot path.
const LAST_USED_GRANULARITY = '60 seconds';

export const API_KEY_KEYSET: KeysetColumn<ApiKeyEntity>[] = [
  { expression: 'k."createdAt"', direction: 'ASC', value: (k) => k.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'k.id', direction: 'ASC', value: (k) => k.id, cast: '::uuid' },
];

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  /** Creates a key and its service identity; the secret (`tdk_` + 32 random bytes) is returned this once only. */
  async create(actor: Actor, input: CreateApiKeyInput): Promise<{ key: ApiKeyEntity; secret: string }> {
    assertRole(actor, 'admin');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw DomainError.validation([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    }
    const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const key = await this.dataSource.transaction(async (em) => {
      const id = newId();
      const identity = await this.users.createServiceIdentity(em, id, input.name, input.role);
      return em.save(em.create(ApiKeyEntity, {
        id, name: input.name, role: input.role, prefix: secret.slice(0, 12), secretHash: hashOf(secret),
        userId: identity.id, createdById: actor.id, expiresAt: input.expiresAt ?? null,
      }));
    });
    return { key, secret };
  }

  /** The actor behind a presented secret, or null when unknown, revoked, expired or its identity deactivated. */
  async authenticate(secret: string): Promise<Actor | null> {
    const row = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .innerJoinAndMapOne('k.user', UserEntity, 'u', 'u.id = k."userId"')
      .where('k."secretHash" = :hash', { hash: hashOf(secret) })
      .andWhere('k."revokedAt" IS NULL')
      .andWhere('(k."expiresAt" IS NULL OR k."expiresAt" > now())')
      .andWhere('u.active')
      .getOne();
    if (!row) return null;
    await this.dataSource.query(
      `UPDATE api_key SET "lastUsedAt" = now() WHERE id = $1 AND ("lastUsedAt" IS NULL OR "lastUsedAt" < now() - interval '${LAST_USED_GRANULARITY}')`,
      [row.id],
    );
    const user = (row as ApiKeyEntity & { user: UserEntity }).user;
    return toActor(Object.assign(user, { role: row.role }), row.id);
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

  /** Revocation is immediate and final; revoking twice is harmless. */
  async revoke(actor: Actor, id: string): Promise<ApiKeyEntity> {
    const key = await this.findOne(actor, id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.dataSource.getRepository(ApiKeyEntity).update({ id }, { revokedAt: key.revokedAt });
    }
    return key;
  }
}
