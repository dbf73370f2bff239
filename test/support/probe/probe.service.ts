import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PubSub } from 'graphql-subscriptions';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../../src/actor/actor';
import { DomainError } from '../../../src/common/errors/domain-error';
import { assertVersion } from '../../../src/common/http/etag';
import { paginate, type KeysetColumn } from '../../../src/common/pagination/keyset';
import type { CreateProbeInput, UpdateProbeInput } from './probe.dto';
import { PROBE_DDL, ProbeEntity } from './probe.entity';

const SORTS: Record<string, KeysetColumn<ProbeEntity>[]> = {
  createdAt: [{ expression: 'p."createdAt"', direction: 'ASC', value: (r) => r.createdAt.toISOString(), cast: '::timestamptz' }],
  '-createdAt': [{ expression: 'p."createdAt"', direction: 'DESC', value: (r) => r.createdAt.toISOString(), cast: '::timestamptz' }],
  rank: [{ expression: 'p.rank', direction: 'ASC', value: (r) => r.rank }],
  '-rank': [{ expression: 'p.rank', direction: 'DESC', value: (r) => r.rank }],
  'rank,-createdAt': [
    { expression: 'p.rank', direction: 'ASC', value: (r) => r.rank },
    { expression: 'p."createdAt"', direction: 'DESC', value: (r) => r.createdAt.toISOString(), cast: '::timestamptz' },
  ],
};

@Injectable()
export class ProbeService implements OnModuleInit {
  readonly pubSub = new PubSub();
  /** How many times the owner loader's batch function ran (DataLoader test). */
  ownerBatches = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock(424242)');
      await em.query(PROBE_DDL);
    });
  }

  static keyset(sort = 'createdAt'): KeysetColumn<ProbeEntity>[] {
    const id: KeysetColumn<ProbeEntity> = {
      expression: 'p.id',
      direction: SORTS[sort].at(-1)!.direction,
      value: (r) => r.id,
      cast: '::uuid',
    };
    return [...SORTS[sort], id];
  }

  async create(actor: Actor, input: CreateProbeInput): Promise<ProbeEntity> {
    const probe = await this.dataSource.transaction(async (em) => {
      const row = await em.save(em.create(ProbeEntity, { owner: actor.id, name: input.name, rank: input.rank }));
      if (input.fail) throw new Error('deliberate failure after the write');
      return row;
    });
    // Held open after the commit: the embedded database runs one transaction at a time, so a pause inside one would
    // stall every other query (the in-flight request under test included) and hide what the test looks for.
    if (input.delayMs) await sleep(input.delayMs);
    await this.pubSub.publish('probeCreated', { probeCreated: probe });
    return probe;
  }

  list(actor: Actor, args: { limit: number; cursor?: string; sort?: string }) {
    const qb = this.dataSource.getRepository(ProbeEntity).createQueryBuilder('p').where('p.owner = :owner', { owner: actor.id });
    return paginate(qb, ProbeService.keyset(args.sort), args);
  }

  async findOne(actor: Actor, id: string): Promise<ProbeEntity> {
    const probe = await this.dataSource.getRepository(ProbeEntity).findOneBy({ id, owner: actor.id });
    if (!probe) throw DomainError.notFound('Probe');
    return probe;
  }

  async update(actor: Actor, id: string, input: UpdateProbeInput, expectedVersion?: number): Promise<ProbeEntity> {
    return this.dataSource.transaction(async (em) => {
      const probe = await em.findOne(ProbeEntity, { where: { id, owner: actor.id }, lock: { mode: 'pessimistic_write' } });
      if (!probe) throw DomainError.notFound('Probe');
      assertVersion(expectedVersion, probe.version);
      Object.assign(probe, input);
      return em.save(probe);
    });
  }

  async ownersByIds(ids: readonly string[]): Promise<string[]> {
    this.ownerBatches += 1;
    return ids.map((id) => `owner-of-${id}`);
  }
}
