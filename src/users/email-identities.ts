import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Role } from '../actor/actor.js';
import { newId } from '../common/ids.js';
import { UserEntity } from './user.entity.js';

/**
 * Who an e-mail address is. A user whose e-mail matches (case-insensitive; people signed in through the host product
 * first, then the oldest) is the sender; else a customer is created just in time with externalId `email:<address>`,
 * as a first token creates one. Concurrent first mails from one address create one user (insert … on conflict).
 */
@Injectable()
export class EmailIdentities {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every active user with this address, best match first. */
  async findByAddress(address: string): Promise<UserEntity[]> {
    return this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = :address', { address: address.toLowerCase() })
      .andWhere('u.active')
      .andWhere(`u.kind = 'person'`)
      .orderBy(`(u."externalId" LIKE 'email:%')`, 'ASC')
      .addOrderBy('u."createdAt"', 'ASC')
      .limit(10)
      .getMany();
  }

  /** The sender of a mail: found by address or created just in time as a customer. */
  async senderFor(address: string, name: string | null): Promise<UserEntity> {
    const lower = address.toLowerCase();
    const [found] = await this.findByAddress(lower);
    if (found) return found;
    const repo = this.dataSource.getRepository(UserEntity);
    const externalId = `email:${lower}`;
    await repo
      .createQueryBuilder()
      .insert()
      .values({ id: newId(), externalId, kind: 'person', role: 'customer', email: lower, name: name || null })
      .orIgnore()
      .execute();
    const user = await repo.findOneBy({ externalId });
    if (!user) throw new Error(`user ${externalId} vanished after its insert`);
    return user;
  }

  /** A service identity a channel acts as (e.g. `system:email`), created on first use. */
  async serviceUser(externalId: string, name: string, role: Role): Promise<UserEntity> {
    const repo = this.dataSource.getRepository(UserEntity);
    const existing = await repo.findOneBy({ externalId });
    if (existing) return existing;
    await repo
      .createQueryBuilder()
      .insert()
      .values({ id: newId(), externalId, kind: 'service', role, roleSource: 'admin', name })
      .orIgnore()
      .execute();
    return (await repo.findOneBy({ externalId }))!;
  }
}
