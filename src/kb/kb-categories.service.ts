import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { writeTransaction } from '../database/unit-of-work.js';
import type { CreateKbCategoryInput, UpdateKbCategoryInput } from './dto/kb.inputs.js';
import { KbCategoryEntity } from './kb-category.entity.js';

export const KB_CATEGORY_KEYSET: KeysetColumn<KbCategoryEntity>[] = [
  { expression: 'c.position', direction: 'ASC', value: (c) => c.position },
  { expression: 'c.id', direction: 'ASC', value: (c) => c.id, cast: '::uuid' },
];

/** The knowledge base's shelves, one level deep. Everyone reads them (they hold no drafts); admins arrange them. */
@Injectable()
export class KbCategoriesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(_reader: Actor | null, page: PageRequest): Promise<Page<KbCategoryEntity>> {
    return paginate(this.dataSource.getRepository(KbCategoryEntity).createQueryBuilder('c'), KB_CATEGORY_KEYSET, page);
  }

  async findOne(_reader: Actor | null, id: string): Promise<KbCategoryEntity> {
    const category = await this.dataSource.getRepository(KbCategoryEntity).findOneBy({ id });
    if (!category) throw DomainError.notFound('Category');
    return category;
  }

  async create(actor: Actor, input: CreateKbCategoryInput): Promise<KbCategoryEntity> {
    assertRole(actor, 'admin');
    return writeTransaction(this.dataSource, actor, async (em) => {
      if (input.parentId) await this.assertTopLevel(em, input.parentId);
      return em.save(em.create(KbCategoryEntity, { ...input, description: input.description ?? '', position: input.position ?? 0 }));
    });
  }

  async update(actor: Actor, id: string, input: UpdateKbCategoryInput, expectedVersion?: number | null): Promise<KbCategoryEntity> {
    assertRole(actor, 'admin');
    return this.dataSource.transaction(async (em) => {
      const category = await em.findOne(KbCategoryEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!category) throw DomainError.notFound('Category');
      assertVersion(expectedVersion, category.version);
      if (input.parentId) {
        if (input.parentId === id) throw DomainError.validation([{ field: 'parentId', message: 'a category cannot sit under itself' }]);
        await this.assertTopLevel(em, input.parentId);
        if (await em.existsBy(KbCategoryEntity, { parentId: id }))
          throw DomainError.validation([
            { field: 'parentId', message: 'a category with subcategories stays top-level (one level of nesting)' },
          ]);
      }
      Object.assign(category, input);
      return em.save(category);
    });
  }

  /** Refused (409, by its foreign keys) while articles or subcategories are in it. */
  async remove(actor: Actor, id: string): Promise<void> {
    assertRole(actor, 'admin');
    const { affected } = await this.dataSource.getRepository(KbCategoryEntity).delete({ id });
    if (!affected) throw DomainError.notFound('Category');
  }

  /** The parent named in a write: it must exist and be top-level (the tree is one level deep). Locked against a move. */
  private async assertTopLevel(em: EntityManager, parentId: string): Promise<void> {
    const parent = await em.findOne(KbCategoryEntity, { where: { id: parentId }, lock: { mode: 'pessimistic_read' } });
    if (!parent) throw DomainError.validation([{ field: 'parentId', message: 'parentId is not an existing category' }]);
    if (parent.parentId) throw DomainError.validation([{ field: 'parentId', message: 'the parent must be a top-level category' }]);
  }
}
