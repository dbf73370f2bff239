import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { assertRole, type AccessFacts, type Actor, type Role } from '../auth/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { hydrate, preparedRead, selectColumns, type PreparedStatement } from '../database/prepared-read.js';
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
    id: user.id, externalId: user.externalId, role: user.role, email: user.email, name: user.name,
    organizationId: user.organizationId, apiKeyId, scope: `user:${user.id}`,
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
  ) {}

  /**
   * The user behind a verified token: created on first sight; later tokens update name, email and organization (and
   * the role, until an admin sets it here). A deactivated user is refused (401).
   */
  async resolveFromClaims(identity: TokenIdentity): Promise<Actor> {
    const repo = this.dataSource.getRepository(UserEntity);
    const organizationId = identity.organizationKey ? await this.organizations.ensureByKey(identity.organizationKey) : null;
    let found = await this.findWithAccess(identity.externalId);
    if (!found) {
      const fresh = repo.create({ externalId: identity.externalId, kind: 'person', role: identity.role, email: identity.email, name: identity.name, organizationId });
      await repo.createQueryBuilder().insert().values(fresh).orIgnore().execute(); // a concurrent first request may win
      found = await this.findWithAccess(identity.externalId);
      if (!found) throw new Error(`user ${identity.externalId} vanished after its insert`);
    }
    const { user, access } = found;
    if (!user.active || user.kind !== 'person') throw new DomainError('UNAUTHENTICATED', 'This user is deactivated', [], { 'WWW-Authenticate': 'Bearer' });
    const changes: Partial<UserEntity> = {};
    if (identity.email !== null && identity.email !== user.email) changes.email = identity.email;
    if (identity.name !== null && identity.name !== user.name) changes.name = identity.name;
    if (organizationId !== null && organizationId !== user.organizationId) changes.organizationId = organizationId;
    if (user.roleSource === 'token' && identity.role !== user.role) changes.role = identity.role;
    if (Object.keys(changes).length > 0) {
      await repo.update({ id: user.id }, { ...changes, version: () => 'version + 1' });
      Object.assign(user, changes);
    }
    // The snapshot's organization fact is about the old organization when this token moved the user.
    return { ...toActor(user), access: changes.organizationId === undefined ? access : undefined };
  }

  /** The user with what ticket visibility needs (tier memberships, whether the organization shares), in one statement. */
  private async findWithAccess(externalId: string): Promise<{ user: UserEntity; access: AccessFacts } | null> {
    const [row] = await preparedRead(this.dataSource, this.userWithAccess(), [externalId]);
    if (!row) return null;
    const user = hydrate(this.dataSource, UserEntity, row);
    return { user, access: { tierIds: row.tierIds as string[], organizationSharesTickets: row.organizationSharesTickets as boolean } };
  }

  // Every authenticated request runs it: prepared, and with index lookups only (a join to organization was hashed).
  private userWithAccessStatement?: PreparedStatement;
  private userWithAccess(): PreparedStatement {
    return (this.userWithAccessStatement ??= {
      name: 'user_with_access',
      text: `SELECT ${selectColumns(this.dataSource, UserEntity, 'u')},
         coalesce((SELECT o."shareTickets" FROM organization o WHERE o.id = u."organizationId"), false) AS "organizationSharesTickets",
         ARRAY(SELECT m."tierId" FROM tier_member m WHERE m."userId" = u.id) AS "tierIds"
       FROM user_account u WHERE u."externalId" = $1`,
    });
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
      if (input.active !== undefined && input.active !== user.active) Object.assign(user, { active: input.active, deactivatedAt: input.active ? null : new Date() });
      return em.save(user);
    });
  }
}
