import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { IsNull, QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { rejectNulls } from '../common/validation/reject-nulls.js';
import type { TicketPriority } from '../ticket-core/ticket-status.js';
import { assertTierReference } from '../tiers/tier-reference.js';
import type { CreateSlaPolicyInput, UpdateSlaPolicyInput } from './dto/sla-policy.input.js';
import { SlaPolicyEntity } from './sla-policy.entity.js';
import { writeTransaction } from '../database/unit-of-work.js';

export const SLA_POLICY_KEYSET: KeysetColumn<SlaPolicyEntity>[] = [
  { expression: 'p."createdAt"', direction: 'ASC', value: (p) => p.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'p.id', direction: 'ASC', value: (p) => p.id, cast: '::uuid' },
];

/**
 * Admin configuration of response-time targets; which policy applies to a ticket is `applicablePolicy` (sla-policy.ts).
 * Ids reach here unchecked from GraphQL: one that is not a UUID cannot exist, so it is a 404 rather than a failed cast.
 */
@Injectable()
export class SlaPoliciesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Agents read policies too: they explain a ticket's due dates. */
  async list(actor: Actor, page: { limit: number; cursor?: string | null }): Promise<Page<SlaPolicyEntity>> {
    assertRole(actor, 'agent', 'admin');
    return paginate(this.dataSource.getRepository(SlaPolicyEntity).createQueryBuilder('p'), SLA_POLICY_KEYSET, page);
  }

  async findOne(actor: Actor, id: string): Promise<SlaPolicyEntity> {
    assertRole(actor, 'agent', 'admin');
    const policy = isUUID(id) ? await this.dataSource.getRepository(SlaPolicyEntity).findOneBy({ id }) : null;
    if (!policy) throw DomainError.notFound('SLA policy');
    return policy;
  }

  async create(actor: Actor, input: CreateSlaPolicyInput): Promise<SlaPolicyEntity> {
    assertRole(actor, 'admin');
    const tierId = input.tierId ?? null;
    return withScopeConflict(() =>
      writeTransaction(this.dataSource, actor, async (em) => {
        if (tierId) await assertTierReference(em, tierId);
        await assertScopeFree(em, input.priority, tierId);
        return em.save(
          em.create(SlaPolicyEntity, {
            ...input,
            tierId,
            pauseWhilePending: input.pauseWhilePending ?? true,
            autoEscalate: input.autoEscalate ?? false,
          }),
        );
      }),
    );
  }

  async update(actor: Actor, id: string, input: UpdateSlaPolicyInput, expectedVersion?: number | null): Promise<SlaPolicyEntity> {
    assertRole(actor, 'admin');
    rejectNulls(input, ['name', 'priority', 'firstResponseMinutes', 'resolutionMinutes', 'pauseWhilePending', 'autoEscalate']);
    return withScopeConflict(() =>
      this.dataSource.transaction(async (em) => {
        const policy = isUUID(id) ? await em.findOne(SlaPolicyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
        if (!policy) throw DomainError.notFound('SLA policy');
        assertVersion(expectedVersion, policy.version);
        const priority = input.priority ?? policy.priority;
        const tierId = input.tierId === undefined ? policy.tierId : input.tierId;
        if (tierId && tierId !== policy.tierId) await assertTierReference(em, tierId);
        if (priority !== policy.priority || tierId !== policy.tierId) await assertScopeFree(em, priority, tierId, id);
        Object.assign(policy, input, { tierId });
        return em.save(policy);
      }),
    );
  }

  async remove(actor: Actor, id: string): Promise<void> {
    assertRole(actor, 'admin');
    // Softly: the clocks it started run on and keep naming it. Deleting it twice is a 404, as before.
    const { affected } = isUUID(id)
      ? await this.dataSource.getRepository(SlaPolicyEntity).softDelete({ id, deletedAt: IsNull() })
      : { affected: 0 };
    if (!affected) throw DomainError.notFound('SLA policy');
  }
}

function scopeConflict(scope = 'this priority and tier'): DomainError {
  return new DomainError('CONFLICT', `An SLA policy for ${scope} already exists; change that one instead`);
}

/** The friendly check: one policy per (priority, tier or none), as uq_sla_policy_scope enforces. */
async function assertScopeFree(em: EntityManager, priority: TicketPriority, tierId: string | null, exceptId?: string): Promise<void> {
  const [taken] = await em.query(
    `SELECT 1 FROM sla_policy WHERE priority = $1 AND "tierId" IS NOT DISTINCT FROM $2 AND "deletedAt" IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid) LIMIT 1`,
    [priority, tierId, exceptId ?? null],
  );
  if (taken) throw scopeConflict(`priority ${priority} ${tierId ? `in tier ${tierId}` : 'without a tier'}`);
}

// Two concurrent writes can both pass the check; the unique index stops the second, which is the same 409.
async function withScopeConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505') throw scopeConflict();
    throw error;
  }
}
