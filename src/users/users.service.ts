import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { assertRole, type AccessFacts, type Actor, type Role } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { hydrate, preparedRead, selectColumns, type PreparedStatement } from '../database/prepared-read.js';
import { IdentityChanges, type IdentityChange } from '../identity/identity-changes.js';
import { SnapshotCache } from '../identity/snapshot-cache.js';
import type { ListUsersArgs } from './dto/list-users.args.js';
import type { UpdateUserInput } from './dto/update-user.input.js';
import { OrganizationsService } from './organizations.service.js';
import { UserEntity } from './user.entity.js';

/** What a verified token says about its subject, with the configured claim names already applied. */
export interface TokenIdentity {
  externalId: string;
  role: Role;
  email: string | null;
  name: string | null;
  organizationKey: string | null;
}

export const USER_KEYSET: KeysetColumn<UserEntity>[] = [
  { expression: 'u."createdAt"', direction: 'ASC', value: (u) => u.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'u.id', direction: 'ASC', value: (u) => u.id, cast: '::uuid' },
];

export function toActor(user: UserEntity, apiKeyId: string | null = null): Actor {
  return {
    id: user.id,
    externalId: user.externalId,
    role: user.role,
    email: user.email,
    name: user.name,
    organizationId: user.organizationId,
    apiKeyId,
    scope: `user:${user.id}`,
  };
}

interface Snapshot {
  user: UserEntity;
  access: AccessFacts;
}

// Entries are dropped on every change anyway; the TTL bounds what a missed notification could cost.
const IDENTITY_CACHE_SIZE = 10_000;
const IDENTITY_CACHE_TTL_MS = 5 * 60_000;
const deactivated = () => new DomainError('UNAUTHENTICATED', 'This user is deactivated', [], { 'WWW-Authenticate': 'Bearer' });

/** A request's actor from a snapshot; refused (401) when the user may not sign in. */
function actorOf({ user, access }: Snapshot): Actor {
  if (!user.active || user.kind !== 'person') throw deactivated();
  return { ...toActor(user), access };
}

/** What a token says that the stored user does not (yet) reflect. */
function changesFrom(user: UserEntity, identity: TokenIdentity, organizationId: string | null): Partial<UserEntity> {
  const changes: Partial<UserEntity> = {};
  if (identity.email !== null && identity.email !== user.email) changes.email = identity.email;
  if (identity.name !== null && identity.name !== user.name) changes.name = identity.name;
  if (organizationId !== null && organizationId !== user.organizationId) changes.organizationId = organizationId;
  if (user.roleSource === 'token' && identity.role !== user.role) changes.role = identity.role;
  return changes;
}

@Injectable()
export class UsersService {
  // Who each token subject is, keyed `ext:<externalId>` and `id:<userId>`; emptied per change by IdentityChanges.
  private readonly cache = new SnapshotCache<string, Snapshot>(IDENTITY_CACHE_SIZE, IDENTITY_CACHE_TTL_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly identities: IdentityChanges,
  ) {
    identities.subscribe((change) => this.forget(change));
  }

  /**
   * The user behind a verified token: created on first sight; later tokens update name, email and organization (and
   * the role, until an admin sets it here). A deactivated user is refused (401). Served from the identity cache when
   * the token says nothing new: no database round trip on the hot path.
   */
  async resolveFromClaims(identity: TokenIdentity): Promise<Actor & { created?: true }> {
    const organizationId = identity.organizationKey ? await this.organizations.ensureByKey(identity.organizationKey) : null;
    const cached = this.identities.trustworthy ? this.cache.get(`ext:${identity.externalId}`) : undefined;
    if (cached && Object.keys(changesFrom(cached.user, identity, organizationId)).length === 0) return actorOf(cached);
    const stamp = this.cache.stamp();
    let found = await this.findWithAccess(this.userWithAccess(), identity.externalId);
    if (!found) {
      const repo = this.dataSource.getRepository(UserEntity);
      const fresh = repo.create({
        externalId: identity.externalId,
        kind: 'person',
        role: identity.role,
        email: identity.email,
        name: identity.name,
        organizationId,
      });
      const inserted = await repo.createQueryBuilder().insert().values(fresh).orIgnore().execute(); // a concurrent first request may win
      found = await this.findWithAccess(this.userWithAccess(), identity.externalId);
      if (!found) throw new Error(`user ${identity.externalId} vanished after its insert`);
      if (inserted.identifiers.length > 0 && found.user.id === fresh.id) return { ...actorOf(found), created: true };
    }
    const { user } = found;
    if (!user.active || user.kind !== 'person') {
      this.remember(stamp, found);
      return actorOf(found); // refused there, before any change is written
    }
    const changes = changesFrom(user, identity, organizationId);
    if (Object.keys(changes).length === 0) {
      this.remember(stamp, found);
      return actorOf(found);
    }
    await this.dataSource.transaction(async (em) => {
      await em.update(UserEntity, { id: user.id }, { ...changes, version: () => 'version + 1' });
      await this.identities.publish(em, `user:${user.id}`); // other replicas' caches hold the old claims
    });
    Object.assign(user, changes);
    // The snapshot's organization fact is about the old organization when this token moved the user.
    return { ...toActor(user), access: changes.organizationId === undefined ? found.access : undefined };
  }

  /**
   * The user as they are now, by id, for a caller whose access is re-checked (a live subscription): null once they are
   * deactivated or gone. Cached like the token path.
   */
  async current(userId: string): Promise<Actor | null> {
    const cached = this.identities.trustworthy ? this.cache.get(`id:${userId}`) : undefined;
    const stamp = this.cache.stamp();
    const found = cached ?? (await this.findWithAccess(this.userWithAccessById(), userId));
    if (!found || !found.user.active) return null;
    if (!cached) this.remember(stamp, found);
    return { ...toActor(found.user), access: found.access };
  }

  private remember(stamp: number, snapshot: Snapshot): void {
    if (!this.identities.trustworthy) return;
    this.cache.set(stamp, `ext:${snapshot.user.externalId}`, snapshot);
    this.cache.set(stamp, `id:${snapshot.user.id}`, snapshot);
  }

  private forget(change: IdentityChange | 'all'): void {
    if (change === 'all') return this.cache.invalidate();
    const [kind, id] = change.split(':');
    if (kind === 'user') this.cache.invalidate((s) => s.user.id === id);
    else if (kind === 'organization') this.cache.invalidate((s) => s.user.organizationId === id);
  }

  /** The user with what ticket visibility needs (tier memberships, whether the organization shares), in one statement. */
  private async findWithAccess(statement: PreparedStatement, key: string): Promise<Snapshot | null> {
    const [row] = await preparedRead(this.dataSource, statement, [key]);
    if (!row) return null;
    const user = hydrate(this.dataSource, UserEntity, row);
    return { user, access: { tierIds: row.tierIds as string[], organizationSharesTickets: row.organizationSharesTickets as boolean } };
  }

  // Every authenticated request the cache cannot answer runs it: prepared, and with index lookups only (a join to
  // organization was hashed).
  private readonly statements = new Map<string, PreparedStatement>();
  private userWithAccess(): PreparedStatement {
    return this.statement('user_with_access', 'u."externalId" = $1');
  }

  private userWithAccessById(): PreparedStatement {
    return this.statement('user_with_access_by_id', 'u.id = $1');
  }

  private statement(name: string, where: string): PreparedStatement {
    let statement = this.statements.get(name);
    if (!statement) {
      statement = {
        name,
        text: `SELECT ${selectColumns(this.dataSource, UserEntity, 'u')},
           coalesce((SELECT o."shareTickets" FROM organization o WHERE o.id = u."organizationId"), false) AS "organizationSharesTickets",
           ARRAY(SELECT m."tierId" FROM tier_member m WHERE m."userId" = u.id) AS "tierIds"
         FROM user_account u WHERE ${where}`,
      };
      this.statements.set(name, statement);
    }
    return statement;
  }

  /** The service identity an API key acts as. */
  createServiceIdentity(em: EntityManager, keyId: string, name: string, role: Role): Promise<UserEntity> {
    return em.save(em.create(UserEntity, { externalId: `apikey:${keyId}`, kind: 'service', role, roleSource: 'admin', name }));
  }

  async list(actor: Actor, args: ListUsersArgs): Promise<Page<UserEntity>> {
    assertRole(actor, 'admin');
    const qb = this.dataSource.getRepository(UserEntity).createQueryBuilder('u');
    if (args.role) qb.andWhere('u.role = :role', { role: args.role });
    if (args.organizationId) qb.andWhere('u."organizationId" = :organizationId', { organizationId: args.organizationId });
    if (args.active !== undefined) qb.andWhere('u.active = :active', { active: args.active });
    if (args.kind) qb.andWhere('u.kind = :kind', { kind: args.kind });
    return paginate(qb, USER_KEYSET, args);
  }

  /** Admins see every user, anyone sees themself; to everyone else a user does not exist. */
  async findOne(actor: Actor, id: string): Promise<UserEntity> {
    const user = actor.role === 'admin' || actor.id === id ? await this.dataSource.getRepository(UserEntity).findOneBy({ id }) : null;
    if (!user) throw DomainError.notFound('User');
    return user;
  }

  findManyByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return this.dataSource.getRepository(UserEntity).findBy({ id: In([...ids]) });
  }

  /** An admin changes a person's role (it then no longer follows the token) or (de)activates them. */
  async update(actor: Actor, id: string, input: UpdateUserInput, expectedVersion?: number | null): Promise<UserEntity> {
    assertRole(actor, 'admin');
    return this.dataSource.transaction(async (em) => {
      const user = await em.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw DomainError.notFound('User');
      assertVersion(expectedVersion, user.version);
      if (user.kind === 'service') throw new DomainError('CONFLICT', 'API key identities are managed through /v1/api-keys');
      if (user.id === actor.id && (input.active === false || (input.role && input.role !== user.role))) {
        throw new DomainError('CONFLICT', 'Admins cannot demote or deactivate themselves; ask another admin');
      }
      if (input.role !== undefined && input.role !== user.role) Object.assign(user, { role: input.role, roleSource: 'admin' });
      if (input.active !== undefined && input.active !== user.active)
        Object.assign(user, { active: input.active, deactivatedAt: input.active ? null : new Date() });
      await this.identities.publish(em, `user:${user.id}`);
      return em.save(user);
    });
  }
}
