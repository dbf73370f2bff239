import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { Clock } from '../common/clock/clock.js';
import { newId } from '../common/ids.js';
import { writeTransaction } from '../database/unit-of-work.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { TicketEventEntity } from '../events/ticket-event.entity.js';
import { TiersService } from '../tiers/tiers.service.js';
import { TicketAccess } from './ticket-access.js';
import { assertTransition, statusAfterAgentReply, statusAfterCustomerReply, type TicketStatus } from './ticket-status.js';
import { TicketEntity } from './ticket.entity.js';

export interface EventInput {
  type: string;
  actorId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** About an internal note: agents and admins only. */
  internal?: boolean;
}

/** The fields a client edits (PATCH /v1/tickets/{id}, updateTicket); each change is audited. */
export const EDITABLE_FIELDS = ['subject', 'description', 'status', 'priority', 'type', 'assigneeId', 'tags', 'customFields'] as const;
export type TicketEdit = Partial<Pick<TicketEntity, (typeof EDITABLE_FIELDS)[number]>>;

/**
 * What modules above the core do when a ticket changes, in the same transaction and under the same lock (the SLA clocks
 * pause, stop, restart and retarget). Listeners register themselves, so the core depends on none of them.
 */
export interface TicketChangeListener {
  statusChanged(
    em: EntityManager,
    ticket: TicketEntity,
    from: TicketStatus,
    to: TicketStatus,
    at: Date,
    pauseReason?: string,
  ): Promise<void>;
  /** The ticket's tier or priority changed: whatever depends on them is re-derived. */
  retargeted(em: EntityManager, ticket: TicketEntity, at: Date): Promise<void>;
  firstResponded(em: EntityManager, ticket: TicketEntity, at: Date): Promise<void>;
}

/**
 * Called for every event recorded on a ticket, in its transaction and under its lock (the e-mail channel schedules the
 * mail that tells the requester, so a rollback sends nothing). Registered by the module above, like the listeners.
 */
export type TicketEventListener = (em: EntityManager, ticket: TicketEntity, event: TicketEventEntity) => Promise<void>;

// Search text grows with replies; past this much the oldest text is what customers search for anyway.
const MAX_SEARCH_TEXT = 200_000;

/**
 * The one writer of ticket rows. Every change goes through here, on a ticket the caller holds locked, in the caller's
 * transaction: the state machine (ticket-status.ts) checks it, the row changes (version bumped where a client sees it),
 * listeners follow, and the audit event with its outbox row is written before the commit.
 */
@Injectable()
export class TicketWriter implements OnModuleInit {
  private readonly listeners: TicketChangeListener[] = [];
  private readonly eventListeners: TicketEventListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly outbox: OutboxDispatcher,
    private readonly tiers: TiersService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // A ticket's escalationLevel is its tier's level, copied for lists: keep the copies true.
    this.tiers.onLevelChange((em, tierId, level) =>
      em.query(`UPDATE ticket SET "escalationLevel" = $2 WHERE "tierId" = $1`, [tierId, level]),
    );
  }

  /** What every change stamps (SLA times, events): the app's clock, which tests move instead of sleeping. */
  now(): Date {
    return this.clock.date();
  }

  listen(listener: TicketChangeListener): void {
    this.listeners.push(listener);
  }

  onRecorded(listener: TicketEventListener): void {
    this.eventListeners.push(listener);
  }

  /**
   * `work` on the ticket, locked, in one write transaction (with the request's idempotency record, if any); 404 when the
   * actor may not see it. The scope is read before the transaction opens: the embedded database serves one connection.
   */
  async withLockedTicket<T>(actor: Actor, ticketId: string, work: (em: EntityManager, ticket: TicketEntity) => Promise<T>): Promise<T> {
    const scope = await this.access.scopeOf(actor);
    const result = await writeTransaction(this.dataSource, actor, async (em) => {
      const ticket = await this.lock(em, ticketId);
      // Visibility first: a ticket the caller may not see is 404 whatever the request, never a 403 that confirms it exists.
      this.access.assertVisible(scope, ticket);
      return work(em, ticket);
    });
    this.outbox.poke();
    return result;
  }

  /** The ticket row locked for the rest of the transaction (jobs, which act for no one); null when it is gone. */
  lock(em: EntityManager, ticketId: string): Promise<TicketEntity | null> {
    return em.findOne(TicketEntity, { where: { id: ticketId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * An audit event and its outbox row, in one round trip: the ticket's event counter is bumped (raw, so the
   * client-visible version stays). The caller holds the row lock, which makes per-ticket sequences gap-free and ordered.
   */
  async record(em: EntityManager, ticket: TicketEntity, input: EventInput): Promise<TicketEventEntity> {
    const event = em.create(TicketEventEntity, {
      id: newId(),
      ticketId: ticket.id,
      type: input.type,
      actorId: input.actorId,
      before: input.before ?? null,
      after: input.after ?? null,
      internal: input.internal ?? false,
      at: this.clock.date(),
    });
    const [row]: { sequence: number; position: string }[] = await em.query(
      `WITH seq AS (UPDATE ticket SET "lastEventSequence" = "lastEventSequence" + 1 WHERE id = $1 RETURNING "lastEventSequence" AS sequence),
       ev AS (INSERT INTO ticket_event (id, "ticketId", sequence, type, "actorId", before, after, internal, at)
              SELECT $2, $1, seq.sequence, $3, $4, $5::jsonb, $6::jsonb, $7, $8 FROM seq RETURNING id, sequence, position),
       queued AS (INSERT INTO outbox ("eventId") SELECT id FROM ev)
       SELECT sequence, position FROM ev`,
      [ticket.id, event.id, event.type, event.actorId, json(event.before), json(event.after), event.internal, event.at],
    );
    ticket.lastEventSequence = row.sequence;
    const recorded = Object.assign(event, row);
    for (const listener of this.eventListeners) await listener(em, ticket, recorded);
    return recorded;
  }

  /** A client's edit: only what differs is written and audited (`ticket.updated`, plus status and assignment events). */
  async edit(em: EntityManager, actor: Actor, ticket: TicketEntity, input: TicketEdit): Promise<TicketEntity> {
    if (input.status) assertTransition(ticket.status, input.status);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const field of EDITABLE_FIELDS) {
      const next = input[field];
      if (next === undefined || JSON.stringify(next) === JSON.stringify(ticket[field])) continue;
      before[field] = ticket[field];
      after[field] = next;
    }
    if (Object.keys(after).length === 0) return ticket;
    const from = ticket.status;
    Object.assign(ticket, after);
    const now = this.clock.date();
    if ('status' in after) this.stampStatus(ticket, now);
    if ('subject' in after || 'description' in after) ticket.searchPublicText = await publicSearchText(em, ticket);
    const saved = await em.save(ticket);
    if ('status' in after) await this.each((l) => l.statusChanged(em, saved, from, saved.status, now));
    if ('priority' in after) await this.each((l) => l.retargeted(em, saved, now));
    await this.record(em, saved, { type: 'ticket.updated', actorId: actor.id, before, after });
    if ('status' in after) await this.recordStatusChange(em, saved, actor.id, from);
    if ('assigneeId' in after)
      await this.record(em, saved, {
        type: 'ticket.assigned',
        actorId: actor.id,
        before: { assigneeId: before.assigneeId },
        after: { assigneeId: after.assigneeId },
      });
    return saved;
  }

  /** A status change that follows from something else (a reply, an information request): saved, listened to, recorded. */
  async moveStatus(
    em: EntityManager,
    actor: Actor | null,
    ticket: TicketEntity,
    to: TicketStatus,
    at: Date,
    pauseReason?: string,
  ): Promise<void> {
    const from = ticket.status;
    if (to === from) return;
    assertTransition(from, to);
    ticket.status = to;
    this.stampStatus(ticket, at);
    await em.save(ticket);
    await this.each((l) => l.statusChanged(em, ticket, from, to, at, pauseReason));
    await this.recordStatusChange(em, ticket, actor?.id ?? null, from);
  }

  /**
   * What a new message does to its ticket: its text joins the search text, an agent's first public reply is the first
   * response, and a public reply moves the status (an agent's opens a new ticket; a customer's reopens a waiting one).
   */
  async messageAdded(
    em: EntityManager,
    actor: Actor,
    ticket: TicketEntity,
    message: { body: string; visibility: 'public' | 'internal'; createdAt: Date },
  ): Promise<void> {
    const internal = message.visibility === 'internal';
    const status = internal
      ? ticket.status
      : isStaff(actor)
        ? statusAfterAgentReply(ticket.status)
        : statusAfterCustomerReply(ticket.status);
    const column = internal ? 'searchInternalText' : 'searchPublicText';
    const firstResponse = !internal && isStaff(actor) && !ticket.firstRespondedAt;
    if (firstResponse) ticket.firstRespondedAt = message.createdAt;
    // Appended in SQL: the search text is never loaded with the ticket (see TicketEntity). Bumps version and updatedAt.
    await em
      .createQueryBuilder()
      .update(TicketEntity)
      .set({
        [column]: () => `left("${column}" || chr(10) || :appended, ${MAX_SEARCH_TEXT})`,
        ...(firstResponse ? { firstRespondedAt: message.createdAt } : {}),
      })
      .setParameter('appended', message.body)
      .where('id = :id', { id: ticket.id })
      .execute();
    if (firstResponse) await this.each((l) => l.firstResponded(em, ticket, message.createdAt));
    await this.moveStatus(em, actor, ticket, status, message.createdAt);
  }

  /** Into another tier's queue with its new assignee (escalation, de-escalation, SLA breach); the caller records why. */
  async moveTier(
    em: EntityManager,
    ticket: TicketEntity,
    tier: { id: string; level: number },
    assigneeId: string | null,
  ): Promise<TicketEntity> {
    const [[changed]] = await em.query(
      `UPDATE ticket SET "tierId" = $2, "escalationLevel" = $3, "assigneeId" = $4, version = version + 1, "updatedAt" = now()
       WHERE id = $1 RETURNING version, "updatedAt"`,
      [ticket.id, tier.id, tier.level, assigneeId],
    );
    const saved = Object.assign(ticket, { tierId: tier.id, escalationLevel: tier.level, assigneeId }, changed);
    await this.each((l) => l.retargeted(em, saved, this.clock.date()));
    return saved;
  }

  /**
   * Copies the current SLA clocks (first response; the latest resolution cycle) onto the ticket's `sla` columns, which
   * lists filter and sort on. One statement. Not a client edit: no version bump.
   */
  async copySlaClocks(em: EntityManager, ticket: TicketEntity): Promise<void> {
    const [[row]] = await em.query(
      `WITH cur AS (SELECT DISTINCT ON (metric) metric, "policyId", "dueAt", "breachedAt", "satisfiedAt", "stoppedAt", "pausedAt"
                    FROM sla_clock WHERE "ticketId" = $1 ORDER BY metric, cycle DESC)
       UPDATE ticket SET
         "slaPolicyId" = coalesce((SELECT "policyId" FROM cur WHERE metric = 'resolution'), (SELECT "policyId" FROM cur WHERE metric = 'first_response')),
         "firstResponseDueAt" = (SELECT "dueAt" FROM cur WHERE metric = 'first_response'),
         "resolutionDueAt" = (SELECT "dueAt" FROM cur WHERE metric = 'resolution'),
         "slaBreached" = coalesce((SELECT array_agg(metric ORDER BY metric) FROM cur WHERE "breachedAt" IS NOT NULL), '{}'),
         "slaDueAt" = (SELECT min("dueAt") FROM cur WHERE "satisfiedAt" IS NULL AND "stoppedAt" IS NULL AND "pausedAt" IS NULL)
       WHERE id = $1
       RETURNING "slaPolicyId", "firstResponseDueAt", "resolutionDueAt", "slaBreached", "slaDueAt"`,
      [ticket.id],
    );
    Object.assign(ticket, row);
  }

  private recordStatusChange(em: EntityManager, ticket: TicketEntity, actorId: string | null, from: TicketStatus) {
    return this.record(em, ticket, { type: 'ticket.status_changed', actorId, before: { status: from }, after: { status: ticket.status } });
  }

  /** The status's own timestamps, for every move (edits and the moves replies and information requests make). */
  private stampStatus(ticket: TicketEntity, now: Date): void {
    if (ticket.status === 'solved') ticket.solvedAt = now;
    if (ticket.status === 'closed') ticket.closedAt = now;
    if (ticket.status !== 'solved' && ticket.status !== 'closed') ticket.solvedAt = null;
  }

  private async each(call: (listener: TicketChangeListener) => Promise<void>): Promise<void> {
    for (const listener of this.listeners) await call(listener);
  }
}

async function publicSearchText(em: EntityManager, ticket: TicketEntity): Promise<string> {
  const [{ replies }] = await em.query(
    `SELECT coalesce(string_agg(body, E'\\n' ORDER BY "createdAt"), '') AS replies FROM ticket_message WHERE "ticketId" = $1 AND visibility = 'public'`,
    [ticket.id],
  );
  return `${ticket.subject}\n${ticket.description}\n${replies}`;
}

const json = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));
