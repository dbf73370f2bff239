import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import type { TicketFilter, TicketSort } from './dto/list-tickets.args.js';
import { preparedMany, selectColumns } from '../database/prepared-read.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';

const byId = (direction: 'ASC' | 'DESC'): KeysetColumn<TicketEntity> => ({
  expression: 't.id',
  direction,
  value: (t) => t.id,
  cast: '::uuid',
});
const at = (column: 'createdAt' | 'updatedAt', direction: 'ASC' | 'DESC'): KeysetColumn<TicketEntity> => ({
  expression: `t."${column}"`,
  direction,
  value: (t) => t[column].toISOString(),
  cast: '::timestamptz',
});
// Tickets without an SLA deadline sort last; the expression matches the indexes ix_ticket_sla_due and ix_ticket_tier_sla_due.
const SLA_DUE = `coalesce(t."slaDueAt", 'infinity'::timestamptz)`;

/** Keyset columns per sort; each sort is backed by an index ending in the same columns. */
export const TICKET_KEYSETS: Record<TicketSort, KeysetColumn<TicketEntity>[]> = {
  createdAt: [at('createdAt', 'ASC'), byId('ASC')],
  '-createdAt': [at('createdAt', 'DESC'), byId('DESC')],
  updatedAt: [at('updatedAt', 'ASC'), byId('ASC')],
  '-updatedAt': [at('updatedAt', 'DESC'), byId('DESC')],
  // Most urgent first (the enum is declared low → urgent), then oldest first.
  priority: [
    { expression: 't.priority', direction: 'DESC', value: (t) => t.priority, cast: '::ticket_priority' },
    at('createdAt', 'ASC'),
    byId('ASC'),
  ],
  slaDueAt: [
    { expression: SLA_DUE, direction: 'ASC', value: (t) => (t.slaDueAt ? t.slaDueAt.toISOString() : 'infinity'), cast: '::timestamptz' },
    byId('ASC'),
  ],
};

const QUERY = `(websearch_to_tsquery('english', :q) || websearch_to_tsquery('russian', :q))`;

/** Lists and full-text search, always narrowed to what the caller may see, always keyset-paginated. */
@Injectable()
export class TicketQueriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
  ) {}

  async list(actor: Actor, filter: TicketFilter, page: { limit: number; cursor?: string }): Promise<Page<TicketEntity>> {
    const qb = this.dataSource.getRepository(TicketEntity).createQueryBuilder('t').select(this.columns());
    this.access.applyTo(qb, await this.access.scopeOf(actor));
    this.applyFilter(qb, actor, filter);
    return paginate(qb, TICKET_KEYSETS[filter.sort ?? '-createdAt'], page, (q) => preparedMany(this.dataSource, TicketEntity, q));
  }

  private selection?: string;
  private columns(): string {
    return (this.selection ??= selectColumns(this.dataSource, TicketEntity, 't'));
  }

  static keysetFor(sort: TicketSort | undefined): KeysetColumn<TicketEntity>[] {
    return TICKET_KEYSETS[sort ?? '-createdAt'];
  }

  private applyFilter(qb: SelectQueryBuilder<TicketEntity>, actor: Actor, f: TicketFilter): void {
    if (f.status?.length) qb.andWhere('t.status = ANY(:status::ticket_status[])', { status: f.status });
    if (f.priority?.length) qb.andWhere('t.priority = ANY(:priority::ticket_priority[])', { priority: f.priority });
    if (f.type?.length) qb.andWhere('t.type = ANY(:type::ticket_type[])', { type: f.type });
    if (f.channel?.length) qb.andWhere('t.channel = ANY(:channel::ticket_channel[])', { channel: f.channel });
    if (f.tierId) qb.andWhere('t."tierId" = :tierId', { tierId: f.tierId });
    if (f.assigneeId === 'none') qb.andWhere('t."assigneeId" IS NULL');
    else if (f.assigneeId) qb.andWhere('t."assigneeId" = :assigneeId', { assigneeId: f.assigneeId === 'me' ? actor.id : f.assigneeId });
    if (f.requesterId) qb.andWhere('t."requesterId" = :requesterId', { requesterId: f.requesterId });
    if (f.tag) qb.andWhere(':tag = ANY(t.tags)', { tag: f.tag });
    if (f.slaBreached !== undefined) qb.andWhere(f.slaBreached ? `cardinality(t."slaBreached") > 0` : `cardinality(t."slaBreached") = 0`);
    if (f.createdAfter) qb.andWhere('t."createdAt" >= :createdAfter', { createdAfter: f.createdAfter });
    if (f.createdBefore) qb.andWhere('t."createdAt" < :createdBefore', { createdBefore: f.createdBefore });
    if (f.updatedAfter) qb.andWhere('t."updatedAt" >= :updatedAfter', { updatedAfter: f.updatedAfter });
    if (f.q) {
      // Customers match only what they can read; staff also match internal notes. Ordered by the chosen sort (recency
      // by default), so a common term costs one index walk that stops at the page size instead of ranking every match.
      qb.andWhere(`t.${isStaff(actor) ? '"searchStaff"' : '"searchPublic"'} @@ ${QUERY}`, { q: f.q });
    }
  }
}
