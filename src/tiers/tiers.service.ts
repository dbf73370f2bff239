import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { IdentityChanges } from '../identity/identity-changes.js';
import { UserEntity } from '../users/user.entity.js';
import type { CreateTierInput, UpdateTierInput } from './dto/tier.input.js';
import { TierMemberEntity } from './tier-member.entity.js';
import { TierEntity } from './tier.entity.js';
import { writeTransaction } from '../database/unit-of-work.js';

export const TIER_KEYSET: KeysetColumn<TierEntity>[] = [
  { expression: 'tr.level', direction: 'ASC', value: (t) => t.level },
  { expression: 'tr."createdAt"', direction: 'ASC', value: (t) => t.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'tr.id', direction: 'ASC', value: (t) => t.id, cast: '::uuid' },
];

/** Called in the transaction that changed a tier's level (the ticket core keeps its copies of the level true). */
export type TierLevelListener = (em: EntityManager, tierId: string, level: number) => Promise<unknown>;

/** Support levels and who works in them. Routing, assignment and escalation rules build on this. */
@Injectable()
export class TiersService {
  private readonly levelListeners: TierLevelListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identities: IdentityChanges,
  ) {}

  /** Staff see every tier (they need them to escalate); customers see none. By level, then oldest first. */
  async list(actor: Actor, page: { limit: number; cursor?: string }): Promise<Page<TierEntity>> {
    assertRole(actor, 'agent', 'admin');
    return paginate(this.dataSource.getRepository(TierEntity).createQueryBuilder('tr'), TIER_KEYSET, page);
  }

  async findOne(actor: Actor, id: string): Promise<TierEntity> {
    assertRole(actor, 'agent', 'admin');
    const tier = await this.dataSource.getRepository(TierEntity).findOneBy({ id });
    if (!tier) throw DomainError.notFound('Tier');
    return tier;
  }

  findManyByIds(ids: readonly string[]): Promise<TierEntity[]> {
    return this.dataSource.getRepository(TierEntity).findBy({ id: In([...ids]) });
  }

  onLevelChange(listener: TierLevelListener): void {
    this.levelListeners.push(listener);
  }

  async tierIdsOf(userId: string, em: EntityManager = this.dataSource.manager): Promise<string[]> {
    return (await em.getRepository(TierMemberEntity).find({ where: { userId }, select: { tierId: true } })).map((m) => m.tierId);
  }

  async create(actor: Actor, input: CreateTierInput): Promise<TierEntity> {
    assertRole(actor, 'admin');
    return writeTransaction(this.dataSource, actor, async (em) => {
      if (input.escalationTargetId) await this.assertExists(em, input.escalationTargetId, 'escalationTargetId');
      return em.save(
        em.create(TierEntity, { ...input, description: input.description ?? '', requiredHandoff: input.requiredHandoff ?? [] }),
      );
    });
  }

  async update(actor: Actor, id: string, input: UpdateTierInput, expectedVersion?: number | null): Promise<TierEntity> {
    assertRole(actor, 'admin');
    return this.dataSource.transaction(async (em) => {
      const tier = await em.findOne(TierEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!tier) throw DomainError.notFound('Tier');
      assertVersion(expectedVersion, tier.version);
      if (input.escalationTargetId) {
        if (input.escalationTargetId === id)
          throw DomainError.validation([{ field: 'escalationTargetId', message: 'a tier cannot escalate to itself' }]);
        await this.assertExists(em, input.escalationTargetId, 'escalationTargetId');
      }
      const levelChanged = input.level !== undefined && input.level !== tier.level;
      Object.assign(tier, input);
      const saved = await em.save(tier);
      if (levelChanged) for (const listener of this.levelListeners) await listener(em, id, saved.level);
      return saved;
    });
  }

  /** Refused (409) while the tier still holds tickets that are not closed, or routing rules or SLA policies point at it. */
  async remove(actor: Actor, id: string): Promise<void> {
    assertRole(actor, 'admin');
    await this.dataSource.transaction(async (em) => {
      const tier = await em.findOne(TierEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!tier) throw DomainError.notFound('Tier');
      const [{ open }] = await em.query(`SELECT count(*)::int AS open FROM ticket WHERE "tierId" = $1 AND status <> 'closed'`, [id]);
      if (open > 0) throw new DomainError('CONFLICT', `The tier still holds ${open} open ticket(s); move them first`);
      // Rules and policies take a key-share lock on the tier they point at (tier-reference.ts), so none can slip in now.
      const [{ rules, policies }] = await em.query(
        `SELECT (SELECT count(*) FROM routing_rule WHERE "tierId" = $1)::int AS rules, (SELECT count(*) FROM sla_policy WHERE "tierId" = $1 AND "deletedAt" IS NULL)::int AS policies`,
        [id],
      );
      if (rules > 0 || policies > 0) {
        const users = [rules > 0 && `${rules} routing rule(s)`, policies > 0 && `${policies} SLA polic${policies === 1 ? 'y' : 'ies'}`]
          .filter(Boolean)
          .join(' and ');
        throw new DomainError('CONFLICT', `The tier is still the target of ${users}; point them at another tier or delete them first`);
      }
      await em.query(`UPDATE tier SET "escalationTargetId" = NULL WHERE "escalationTargetId" = $1`, [id]);
      // DELETE … RETURNING comes back from TypeORM as [rows, count].
      const [members]: [{ userId: string }[]] = await em.query(`DELETE FROM tier_member WHERE "tierId" = $1 RETURNING "userId"`, [id]);
      await this.identities.publish(em, ...members.map((m) => `user:${m.userId}` as const));
      // Softly: its closed tickets and the escalation records keep naming it (and their foreign keys hold).
      await em.softDelete(TierEntity, { id });
    });
  }

  /** PUT membership: idempotent; only agents and admins can be members. */
  async addMember(actor: Actor, tierId: string, userId: string): Promise<void> {
    assertRole(actor, 'admin');
    await this.findOne(actor, tierId);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw DomainError.notFound('User');
    if (user.role === 'customer') throw new DomainError('CONFLICT', 'Only agents and admins can be tier members');
    await this.dataSource.transaction(async (em) => {
      await em.createQueryBuilder().insert().into(TierMemberEntity).values({ tierId, userId }).orIgnore().execute();
      await this.identities.publish(em, `user:${userId}`); // the tickets they may see
    });
  }

  /**
   * A new agent (or admin) signing in for the first time joins the first line, as Zendesk-style desks put new agents in
   * their default group: on a fresh install they see and answer customers' tickets at once. Admins move them later.
   */
  async joinFirstLine(userId: string): Promise<string | null> {
    return this.dataSource.transaction(async (em) => {
      const [joined]: { tierId: string }[] = await em.query(
        `INSERT INTO tier_member ("tierId", "userId")
         SELECT id, $1 FROM tier WHERE "deletedAt" IS NULL ORDER BY level, "createdAt", id LIMIT 1
         ON CONFLICT DO NOTHING RETURNING "tierId"`,
        [userId],
      );
      if (joined) await this.identities.publish(em, `user:${userId}`);
      return joined?.tierId ?? null;
    });
  }

  async removeMember(actor: Actor, tierId: string, userId: string): Promise<void> {
    assertRole(actor, 'admin');
    await this.findOne(actor, tierId);
    await this.dataSource.transaction(async (em) => {
      await em.delete(TierMemberEntity, { tierId, userId });
      await this.identities.publish(em, `user:${userId}`);
    });
  }

  private async assertExists(em: EntityManager, id: string, field: string): Promise<void> {
    if (!(await em.existsBy(TierEntity, { id }))) throw DomainError.validation([{ field, message: `${field} is not an existing tier` }]);
  }
}
