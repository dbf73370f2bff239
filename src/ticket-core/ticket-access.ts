import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { hydrate, preparedRead, selectColumns, type PreparedStatement } from '../database/prepared-read.js';
import { TiersService } from '../tiers/tiers.service.js';
import { OrganizationEntity } from '../users/organization.entity.js';
import { TicketEntity } from './ticket.entity.js';

/** Which tickets a caller may see. Computed once per call and applied to single reads and lists alike. */
export type TicketScope =
  | { kind: 'all' }
  | { kind: 'staff'; userId: string; tierIds: string[] }
  | { kind: 'customer'; userId: string; sharedOrganizationId: string | null };

/**
 * The visibility rule: admins see every ticket; agents the tickets of their tiers (and those assigned to them);
 * customers their own, plus their organization's when it shares tickets. Anything else does not exist (404).
 */
@Injectable()
export class TicketAccess {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tiers: TiersService,
  ) {}

  async scopeOf(actor: Actor): Promise<TicketScope> {
    if (actor.role === 'admin') return { kind: 'all' };
    // The facts read with the user at authentication, when there (see Actor.access); else read now.
    if (actor.role === 'agent')
      return { kind: 'staff', userId: actor.id, tierIds: actor.access?.tierIds ?? (await this.tiers.tierIdsOf(actor.id)) };
    const shares = !actor.organizationId
      ? false
      : (actor.access?.organizationSharesTickets ??
        (await this.dataSource.getRepository(OrganizationEntity).exists({ where: { id: actor.organizationId, shareTickets: true } })));
    return { kind: 'customer', userId: actor.id, sharedOrganizationId: shares ? actor.organizationId : null };
  }

  canSee(scope: TicketScope, ticket: Pick<TicketEntity, 'tierId' | 'assigneeId' | 'requesterId' | 'organizationId'>): boolean {
    switch (scope.kind) {
      case 'all':
        return true;
      case 'staff':
        return scope.tierIds.includes(ticket.tierId) || ticket.assigneeId === scope.userId;
      case 'customer':
        return (
          ticket.requesterId === scope.userId ||
          (scope.sharedOrganizationId !== null && ticket.organizationId === scope.sharedOrganizationId)
        );
    }
  }

  /** Narrows a query over alias `t` to the scope. */
  applyTo<T extends object>(qb: SelectQueryBuilder<T>, scope: TicketScope): SelectQueryBuilder<T> {
    switch (scope.kind) {
      case 'all':
        return qb;
      case 'staff':
        return qb.andWhere('(t."tierId" = ANY(:scopeTiers::uuid[]) OR t."assigneeId" = :scopeUser)', {
          scopeTiers: scope.tierIds,
          scopeUser: scope.userId,
        });
      case 'customer':
        return scope.sharedOrganizationId
          ? qb.andWhere('(t."requesterId" = :scopeUser OR t."organizationId" = :scopeOrg)', {
              scopeUser: scope.userId,
              scopeOrg: scope.sharedOrganizationId,
            })
          : qb.andWhere('t."requesterId" = :scopeUser', { scopeUser: scope.userId });
    }
  }

  /** The ticket if the actor may see it, else 404. Outside transactions only (it reads through the pool). */
  async findVisible(actor: Actor, ticketId: string): Promise<TicketEntity> {
    const [row] = await preparedRead(this.dataSource, this.ticketById(), [ticketId]);
    const ticket = row ? hydrate(this.dataSource, TicketEntity, row) : null;
    this.assertVisible(await this.scopeOf(actor), ticket);
    return ticket;
  }

  // The most frequent read of all (every ticket page, reply, file and timeline starts with it): prepared.
  private ticketByIdStatement?: PreparedStatement;
  private ticketById(): PreparedStatement {
    return (this.ticketByIdStatement ??= {
      name: 'ticket_by_id',
      text: `SELECT ${selectColumns(this.dataSource, TicketEntity)} FROM ticket WHERE id = $1`,
    });
  }

  assertVisible(scope: TicketScope, ticket: TicketEntity | null): asserts ticket is TicketEntity {
    if (!ticket || !this.canSee(scope, ticket)) throw DomainError.notFound('Ticket');
  }
}
