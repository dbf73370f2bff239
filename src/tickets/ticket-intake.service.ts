import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { newId } from '../common/ids.js';
import { writeTransaction } from '../database/unit-of-work.js';
import { recordEscalation, type MoveRecord } from '../escalations/escalation-record.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { matchingRule } from '../routing/routing.js';
import { SlaClocks, slaColumnsOf } from '../sla/sla-clocks.service.js';
import { applicablePolicyIn } from '../sla/sla-policy.js';
import { assignInTier } from '../tiers/assignment.js';
import { TierEntity } from '../tiers/tier.entity.js';
import { UserEntity } from '../users/user.entity.js';
import type { CreateTicketInput } from './dto/ticket.inputs.js';
import { IntakeCatalogCache, StaleIntakeCatalog, type IntakeCatalog } from './intake-catalog.js';
import { TicketAccess, type TicketScope } from '../ticket-core/ticket-access.js';
import { insertNewTicket } from './ticket-insert.js';
import { assertAssignable, assertOnly, createdSnapshot } from './ticket-input-rules.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';

// What a customer may set; anything else they send is refused, naming the field (no mass assignment). Not channel: it
// is a routing input, set by the intake (web/api from the credential, email from the mailbox).
const CUSTOMER_CREATE_FIELDS = new Set(['subject', 'description', 'type', 'customFields', 'followUpOfId']);
// A create that finds the catalog changed reruns with a fresh copy; only a catalog changing on every try runs out.
const ATTEMPTS = 5;

/**
 * Files new tickets: picks the entry tier (named, routed or the first line), the assignee and the SLA policy from the
 * in-memory intake catalog, then writes the ticket, its created event, outbox row and clocks in one statement, and its
 * deadline jobs, in one transaction with whatever the request adds (its idempotency record). The create is the hot
 * write path: every round trip here is paid by every ticket.
 */
@Injectable()
export class TicketIntake {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: IntakeCatalogCache,
    private readonly access: TicketAccess,
    private readonly writer: TicketWriter,
    private readonly outbox: OutboxDispatcher,
    private readonly clocks: SlaClocks,
  ) {}

  async create(actor: Actor, input: CreateTicketInput): Promise<TicketEntity> {
    if (!isStaff(actor)) assertOnly(input, CUSTOMER_CREATE_FIELDS, 'customers may not set');
    // Read before the transaction: nothing inside it may use another connection (the embedded pool has one).
    const scope = input.followUpOfId ? await this.access.scopeOf(actor) : null;
    for (let attempt = 1; ; attempt++) {
      const catalog = await this.catalog.get();
      try {
        const ticket = await writeTransaction(this.dataSource, actor, (em) => this.file(em, actor, input, scope, catalog));
        this.outbox.poke();
        return ticket;
      } catch (error) {
        if (!(error instanceof StaleIntakeCatalog)) throw error;
        this.catalog.stale(catalog);
        if (attempt === ATTEMPTS)
          throw new DomainError('CONFLICT', 'Tiers, routing rules or SLA policies kept changing while the ticket was filed; retry');
      }
    }
  }

  private async file(
    em: EntityManager,
    actor: Actor,
    input: CreateTicketInput,
    scope: TicketScope | null,
    catalog: IntakeCatalog,
  ): Promise<TicketEntity> {
    // Without requesterId the caller is the requester, already loaded (and found active) by authentication.
    const requester = input.requesterId
      ? await this.requester(em, input.requesterId)
      : { id: actor.id, organizationId: actor.organizationId };
    if (input.assigneeId) await assertAssignable(em, input.assigneeId);
    if (input.followUpOfId) await this.assertFollowUp(em, scope!, input.followUpOfId);
    const fields = {
      subject: input.subject,
      description: input.description,
      type: input.type ?? 'question',
      priority: input.priority ?? 'normal',
      channel: input.channel ?? (actor.apiKeyId ? 'api' : 'web'),
      requesterId: requester.id,
      organizationId: requester.organizationId,
      tags: input.tags ?? [],
      customFields: input.customFields ?? {},
      followUpOfId: input.followUpOfId ?? null,
    } as const;
    const { tier, routedBy } = await this.entryFor(em, catalog, input.tierId, fields);
    const id = newId();
    const createdAt = this.writer.now();
    const policy = applicablePolicyIn(catalog.policies, fields.priority, tier.id);
    const clocks = policy ? this.clocks.plan(id, policy, createdAt) : [];
    // The tier's assignment lock (round robin, least loaded), if any, is taken last: held for the fewest statements.
    const assigneeId = input.assigneeId ?? (await assignInTier(em, tier));
    const row = { ...fields, id, tierId: tier.id, escalationLevel: tier.level, assigneeId, createdAt, ...slaColumnsOf(clocks) };
    const created = await insertNewTicket(
      em,
      row,
      { id: newId(), actorId: actor.id, after: createdSnapshot(row) },
      clocks,
      catalog.version,
    );
    if (routedBy) await recordEscalation(em, this.writer, created, routedBy);
    if (created.assigneeId) {
      // Assigned by the tier's strategy unless the caller named the assignee.
      await this.writer.record(em, created, {
        type: 'ticket.assigned',
        actorId: input.assigneeId ? actor.id : null,
        before: { assigneeId: null },
        after: { assigneeId: created.assigneeId },
      });
    }
    if (clocks.length) await this.clocks.scheduleStarted(em, clocks);
    return created;
  }

  /**
   * The tier a new ticket enters: the one a staff caller named, else the first routing rule that matches, else the first
   * line. A rule that sends it above the first line is recorded as an escalation (trigger `rule`, no hand-off).
   */
  private async entryFor(
    em: EntityManager,
    catalog: IntakeCatalog,
    tierId: string | undefined,
    fields: Parameters<typeof matchingRule>[1],
  ): Promise<{ tier: TierEntity; routedBy: MoveRecord | null }> {
    // A tier not in the catalog may be newer than it: asked of the database before it is refused.
    if (tierId) return { tier: catalog.tiers.find((t) => t.id === tierId) ?? (await this.tierOrFail(em, tierId)), routedBy: null };
    const entry = IntakeCatalogCache.entryTier(catalog);
    const rule = matchingRule(catalog.rules, fields);
    if (!rule || rule.tierId === entry.id) return { tier: entry, routedBy: null };
    const tier = catalog.tiers.find((t) => t.id === rule.tierId);
    // A rule's tier always exists (tiers with rules cannot be deleted); missing, the copy is stale.
    if (!tier) throw new StaleIntakeCatalog();
    const routedBy: MoveRecord | null =
      tier.level > entry.level
        ? { from: entry, to: tier, reason: `Routing rule "${rule.name}"`, handoff: null, actorId: null, trigger: 'rule' }
        : null;
    return { tier, routedBy };
  }

  private async requester(em: EntityManager, id: string): Promise<UserEntity> {
    const user = await em.findOneBy(UserEntity, { id });
    if (!user || !user.active) throw DomainError.validation([{ field: 'requesterId', message: 'requesterId is not an active user' }]);
    return user;
  }

  private async tierOrFail(em: EntityManager, id: string): Promise<TierEntity> {
    const tier = await em.findOneBy(TierEntity, { id });
    if (!tier) throw DomainError.validation([{ field: 'tierId', message: 'tierId is not an existing tier' }]);
    return tier;
  }

  private async assertFollowUp(em: EntityManager, scope: TicketScope, id: string): Promise<void> {
    const previous = await em.findOneBy(TicketEntity, { id });
    this.access.assertVisible(scope, previous);
    if (previous.status !== 'closed')
      throw new DomainError('INVALID_TRANSITION', 'Only a closed ticket can be followed up; reply to it instead');
  }
}
