import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { IdentityChanges } from '../identity/identity-changes.js';
import type { UpdateOrganizationInput } from './dto/update-organization.input.js';
import { OrganizationEntity } from './organization.entity.js';

export const ORGANIZATION_KEYSET: KeysetColumn<OrganizationEntity>[] = [
  { expression: 'o."createdAt"', direction: 'ASC', value: (o) => o.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'o.id', direction: 'ASC', value: (o) => o.id, cast: '::uuid' },
];

@Injectable()
export class OrganizationsService {
  // Organization keys never change and organizations are never deleted, so key → id is safe to remember.
  private readonly idByKey = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identities: IdentityChanges,
  ) {}

  /** The organization a token's `org` claim names, created on first sight (race-free). */
  async ensureByKey(key: string): Promise<string> {
    const known = this.idByKey.get(key);
    if (known) return known;
    const repo = this.dataSource.getRepository(OrganizationEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values(repo.create({ key, name: key }))
      .orIgnore()
      .execute();
    const { id } = await repo.findOneByOrFail({ key });
    this.idByKey.set(key, id);
    return id;
  }

  async list(actor: Actor, page: { limit: number; cursor?: string }): Promise<Page<OrganizationEntity>> {
    assertRole(actor, 'agent', 'admin');
    return paginate(this.dataSource.getRepository(OrganizationEntity).createQueryBuilder('o'), ORGANIZATION_KEYSET, page);
  }

  /** Staff see every organization; a customer only their own; anything else does not exist for them. */
  async findOne(actor: Actor, id: string): Promise<OrganizationEntity> {
    const organization = await this.dataSource.getRepository(OrganizationEntity).findOneBy({ id });
    if (!organization || (actor.role === 'customer' && actor.organizationId !== id)) throw DomainError.notFound('Organization');
    return organization;
  }

  findManyByIds(ids: readonly string[]): Promise<OrganizationEntity[]> {
    return this.dataSource.getRepository(OrganizationEntity).findBy({ id: In([...ids]) });
  }

  async update(actor: Actor, id: string, input: UpdateOrganizationInput, expectedVersion?: number | null): Promise<OrganizationEntity> {
    assertRole(actor, 'admin');
    return this.dataSource.transaction(async (em) => {
      const organization = await em.findOne(OrganizationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!organization) throw DomainError.notFound('Organization');
      assertVersion(expectedVersion, organization.version);
      Object.assign(organization, input);
      await this.identities.publish(em, `organization:${id}`); // whether its customers share tickets
      return em.save(organization);
    });
  }
}
