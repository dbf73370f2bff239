import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isStaff, type Actor } from '../auth/actor.js';
import { DomainError, type FieldError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { EventsService } from '../events/events.service.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { recordEscalation, type MoveRecord } from '../escalations/escalation-record.js';
import { routeNewTicket } from '../routing/routing.js';
import { SlaClocks } from '../sla/sla-clocks.service.js';
import { assignInTier } from '../tiers/assignment.js';
import { TierEntity } from '../tiers/tier.entity.js';
import { TiersService } from '../tiers/tiers.service.js';
import { UserEntity } from '../users/user.entity.js';
import type { CreateTicketInput, UpdateTicketInput } from './dto/ticket.inputs.js';
import { TicketAccess, type TicketScope } from './ticket-access.js';
import { assertTransition, type TicketStatus } from './ticket-status.js';
import { TicketEntity } from './ticket.entity.js';
import { writeTransaction } from '../common/idempotency/unit-of-work.js';

// What a customer may set; anything else they send is refused, naming the field (no mass assignment). Not channel: it
// is a routing input, set by the intake (web/api from the credential, email from the mailbox).
const CUSTOMER_CREATE_FIELDS = new Set(['subject', 'description', 'type', 'customFields', 'followUpOfId']);
const CUSTOMER_UPDATE_FIELDS = new Set(['subject', 'description']);
const AUDITED_FIELDS = ['subject', 'description', 'status', 'priority', 'type', 'assigneeId', 'tags', 'customFields'] as const;

/** Creating, reading and changing tickets. Every change writes its audit event and outbox row in the same transaction. */
@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly tiers: TiersService,
    private readonly events: EventsService,
    private readonly outbox: OutboxDispatcher,
    private readonly clocks: SlaClocks,
  ) {}

  async create(actor: Actor, input: CreateTicketInput): Promise<TicketEntity> {
    if (!isStaff(actor)) assertOnly(input, CUSTOMER_CREATE_FIELDS, 'customers may not set');
    // Read before the transaction: nothing inside it may use another connection (the embedded pool has one).
    const scope = input.followUpOfId ? await this.access.scopeOf(actor) : null;
    const ticket = await writeTransaction(this.dataSource, actor, async (em) => {
      // Without requesterId the caller is the requester, already loaded (and found active) by authentication.
      const requester = input.requesterId ? await this.requester(em, input.requesterId) : { id: actor.id, organizationId: actor.organizationId };
      if (input.assigneeId) await this.assertAssignable(em, input.assigneeId);
      if (input.followUpOfId) await this.assertFollowUp(em, scope!, input.followUpOfId);
      const fields = {
        subject: input.subject, description: input.description, type: input.type ?? 'question', priority: input.priority ?? 'normal',
        channel: input.channel ?? (actor.apiKeyId ? 'api' : 'web'), requesterId: requester.id, organizationId: requester.organizationId,
        tags: input.tags ?? [], customFields: input.customFields ?? {}, followUpOfId: input.followUpOfId ?? null,
      } as const;
      const { tier, routedBy } = await this.entryFor(em, input.tierId, fields);
      const assigneeId = input.assigneeId ?? (await assignInTier(em, tier));
      const created = await em.save(
        em.create(TicketEntity, { ...fields, tierId: tier.id, escalationLevel: tier.level, assigneeId, searchPublicText: `${input.subject}\n${input.description}` }),
      );
      await this.events.record(em, created, { type: 'ticket.created', actorId: actor.id, after: snapshot(created) });
      if (routedBy) await recordEscalation(em, this.events, created, routedBy);
      if (created.assigneeId) {
        // Assigned by the tier's strategy unless the caller named the assignee.
        await this.events.record(em, created, { type: 'ticket.assigned', actorId: input.assigneeId ? actor.id : null, before: { assigneeId: null }, after: { assigneeId: created.assigneeId } });
      }
      await this.clocks.start(em, created);
      return created;
    });
    this.outbox.poke();
    return ticket;
  }

  /**
   * The tier a new ticket enters: the one a staff caller named, else the first routing rule that matches, else the first
   * line. A rule that sends it above the first line is recorded as an escalation (trigger `rule`, no hand-off).
   */
  private async entryFor(em: EntityManager, tierId: string | undefined, fields: Parameters<typeof routeNewTicket>[1]): Promise<{ tier: TierEntity; routedBy: MoveRecord | null }> {
    if (tierId) return { tier: await this.tierOrFail(em, tierId, 'tierId'), routedBy: null };
    const entry = await this.tiers.entryTier(em);
    const rule = await routeNewTicket(em, fields);
    if (!rule || rule.tierId === entry.id) return { tier: entry, routedBy: null };
    const tier = await em.findOneByOrFail(TierEntity, { id: rule.tierId });
    const routedBy: MoveRecord | null = tier.level > entry.level
      ? { from: entry, to: tier, reason: `Routing rule "${rule.name}"`, handoff: null, actorId: null, trigger: 'rule' }
      : null;
    return { tier, routedBy };
  }

  async findOne(actor: Actor, id: string): Promise<TicketEntity> {
    return this.access.findVisible(actor, id);
  }

  async update(actor: Actor, id: string, input: UpdateTicketInput, expectedVersion?: number | null): Promise<TicketEntity> {
    const scope = await this.access.scopeOf(actor);
    const ticket = await this.dataSource.transaction(async (em) => {
      const found = await em.findOne(TicketEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      this.access.assertVisible(scope, found);
      assertVersion(expectedVersion, found.version);
      if (!isStaff(actor)) {
        assertOnly(input, CUSTOMER_UPDATE_FIELDS, 'customers may not change');
        if (found.status !== 'new') throw new DomainError('FORBIDDEN', 'A customer may edit the subject and description only while the ticket is new');
      }
      if (input.assigneeId) await this.assertAssignable(em, input.assigneeId);
      if (input.status) assertTransition(found.status, input.status);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const field of AUDITED_FIELDS) {
        const next = input[field];
        if (next === undefined || JSON.stringify(next) === JSON.stringify(found[field])) continue;
        before[field] = found[field];
        after[field] = next;
      }
      if (Object.keys(after).length === 0) return found;
      Object.assign(found, after);
      const now = new Date();
      if (after.status === 'solved') found.solvedAt = now;
      if (after.status === 'closed') found.closedAt = now;
      if (after.status && after.status !== 'solved' && after.status !== 'closed') found.solvedAt = null;
      if ('subject' in after || 'description' in after) found.searchPublicText = await this.publicSearchText(em, found);
      const saved = await em.save(found);
      if ('status' in after) await this.clocks.onStatusChange(em, saved, before.status as TicketStatus, saved.status, now);
      if ('priority' in after) await this.clocks.reevaluate(em, saved, now);
      await this.events.record(em, saved, { type: 'ticket.updated', actorId: actor.id, before, after });
      if ('status' in after) await this.events.record(em, saved, { type: 'ticket.status_changed', actorId: actor.id, before: { status: before.status }, after: { status: after.status } });
      if ('assigneeId' in after) await this.events.record(em, saved, { type: 'ticket.assigned', actorId: actor.id, before: { assigneeId: before.assigneeId }, after: { assigneeId: after.assigneeId } });
      return saved;
    });
    this.outbox.poke();
    return ticket;
  }

  private async publicSearchText(em: EntityManager, ticket: TicketEntity): Promise<string> {
    const [{ replies }] = await em.query(
      `SELECT coalesce(string_agg(body, E'\\n' ORDER BY "createdAt"), '') AS replies FROM ticket_message WHERE "ticketId" = $1 AND visibility = 'public'`,
      [ticket.id],
    );
    return `${ticket.subject}\n${ticket.description}\n${replies}`;
  }

  private async requester(em: EntityManager, id: string): Promise<UserEntity> {
    const user = await em.findOneBy(UserEntity, { id });
    if (!user || !user.active) throw DomainError.validation([{ field: 'requesterId', message: 'requesterId is not an active user' }]);
    return user;
  }

  private async tierOrFail(em: EntityManager, id: string, field: string): Promise<TierEntity> {
    const tier = await em.findOneBy(TierEntity, { id });
    if (!tier) throw DomainError.validation([{ field, message: `${field} is not an existing tier` }]);
    return tier;
  }

  private async assertAssignable(em: EntityManager, userId: string): Promise<void> {
    const user = await em.findOneBy(UserEntity, { id: userId });
    if (!user || !user.active || user.role === 'customer' || user.kind !== 'person') {
      throw DomainError.validation([{ field: 'assigneeId', message: 'assigneeId must be an active agent or admin' }]);
    }
  }

  private async assertFollowUp(em: EntityManager, scope: TicketScope, id: string): Promise<void> {
    const previous = await em.findOneBy(TicketEntity, { id });
    this.access.assertVisible(scope, previous);
    if (previous.status !== 'closed') throw new DomainError('INVALID_TRANSITION', 'Only a closed ticket can be followed up; reply to it instead');
  }
}

/** Refuses (403) any field outside `allowed`, naming each. */
function assertOnly(input: object, allowed: Set<string>, what: string): void {
  const refused: FieldError[] = Object.entries(input)
    .filter(([field, value]) => value !== undefined && !allowed.has(field))
    .map(([field]) => ({ field, message: `${what} ${field}` }));
  if (refused.length) throw new DomainError('FORBIDDEN', `Not allowed: ${refused.map((e) => e.field).join(', ')}`, refused);
}

export function snapshot(t: TicketEntity): Record<string, unknown> {
  return {
    number: t.number, subject: t.subject, status: t.status, priority: t.priority, type: t.type, channel: t.channel,
    requesterId: t.requesterId, organizationId: t.organizationId, tierId: t.tierId, assigneeId: t.assigneeId, tags: t.tags,
  };
}
