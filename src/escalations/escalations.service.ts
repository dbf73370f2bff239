import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { DomainError, type FieldError } from '../common/errors/domain-error.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import type { TicketEntity } from '../ticket-core/ticket.entity.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';
import { assignInTier } from '../tiers/assignment.js';
import { TierEntity, type HandoffField } from '../tiers/tier.entity.js';
import type { EscalateInput } from './dto/escalate.input.js';
import { recordEscalation, type MoveRecord } from './escalation-record.js';
import { EscalationEntity, type EscalationDirection, type Handoff } from './escalation.entity.js';

export const ESCALATION_KEYSET: KeysetColumn<EscalationEntity>[] = [
  { expression: 'x.at', direction: 'ASC', value: (x) => x.at.toISOString(), cast: '::timestamptz' },
  { expression: 'x.id', direction: 'ASC', value: (x) => x.id, cast: '::uuid' },
];
const HANDOFF_INPUT: Record<HandoffField, keyof Handoff> = {
  summary: 'summary',
  stepsToReproduce: 'stepsToReproduce',
  environment: 'environment',
  attachments: 'attachmentIds',
};

/** Moving tickets between tiers, by hand (escalate / de-escalate) or automatically (SLA breach). */
@Injectable()
export class EscalationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly writer: TicketWriter,
    private readonly attachments: AttachmentsService,
  ) {}

  /** Up (`direction` up) or down a tier, by an agent of the ticket's tiers or an admin. */
  async move(actor: Actor, ticketId: string, direction: EscalationDirection, input: EscalateInput): Promise<TicketEntity> {
    assertRole(actor, 'agent', 'admin');
    return this.writer.withLockedTicket(actor, ticketId, async (em, found) => {
      if (found.status === 'closed') throw new DomainError('INVALID_TRANSITION', 'The ticket is closed; open a follow-up ticket instead');
      const from = await em.findOneByOrFail(TierEntity, { id: found.tierId });
      const to = input.toTierId
        ? await this.chosenTarget(em, from, direction, input.toTierId)
        : await this.defaultTarget(em, found, from, direction);
      const handoff = input.handoff ? { ...input.handoff } : null;
      assertHandoff(to, handoff);
      await this.attachments.assertHandoffFiles(em, found.id, handoff?.attachmentIds ?? []);
      return (await this.moveInTransaction(em, found, { from, to, reason: input.reason, handoff, actorId: actor.id, trigger: 'manual' }))
        .ticket;
    });
  }

  /**
   * An SLA breach on a policy with autoEscalate: up to the next tier, without a hand-off (the specialist will ask).
   * Runs in the deadline job's transaction. At the top already: nothing to do.
   */
  async escalateForBreach(em: EntityManager, ticket: TicketEntity, reason: string): Promise<EscalationEntity | null> {
    if (ticket.status === 'closed' || ticket.status === 'solved') return null;
    const from = await em.findOneByOrFail(TierEntity, { id: ticket.tierId });
    const to = await this.nextUp(em, from);
    if (!to) return null;
    return (await this.moveInTransaction(em, ticket, { from, to, reason, handoff: null, actorId: null, trigger: 'sla_breach' })).record;
  }

  async list(actor: Actor, ticketId: string, page: { limit: number; cursor?: string }): Promise<Page<EscalationEntity>> {
    assertRole(actor, 'agent', 'admin');
    await this.access.findVisible(actor, ticketId);
    const qb = this.dataSource.getRepository(EscalationEntity).createQueryBuilder('x').where('x."ticketId" = :ticketId', { ticketId });
    return paginate(qb, ESCALATION_KEYSET, page);
  }

  /** The move itself: new queue, re-assigned by the new tier's strategy, SLA retargeted, record and events written. */
  private async moveInTransaction(
    em: EntityManager,
    ticket: TicketEntity,
    move: MoveRecord,
  ): Promise<{ ticket: TicketEntity; record: EscalationEntity }> {
    const previousAssignee = ticket.assigneeId;
    const assigneeId = await assignInTier(em, move.to);
    const saved = await this.writer.moveTier(em, ticket, move.to, assigneeId);
    const record = await recordEscalation(em, this.writer, saved, move);
    if (saved.assigneeId !== previousAssignee) {
      await this.writer.record(em, saved, {
        type: 'ticket.assigned',
        actorId: null,
        before: { assigneeId: previousAssignee },
        after: { assigneeId: saved.assigneeId },
      });
    }
    return { ticket: saved, record };
  }

  private async chosenTarget(em: EntityManager, from: TierEntity, direction: EscalationDirection, toTierId: string): Promise<TierEntity> {
    const to = await em.findOneBy(TierEntity, { id: toTierId });
    if (!to) throw DomainError.validation([{ field: 'toTierId', message: 'toTierId is not an existing tier' }]);
    const ok = direction === 'up' ? to.level > from.level : to.level < from.level;
    if (!ok) {
      throw DomainError.validation([
        {
          field: 'toTierId',
          message: `toTierId must be a tier ${direction === 'up' ? 'above' : 'below'} the current level ${from.level} (it is level ${to.level})`,
        },
      ]);
    }
    return to;
  }

  private async defaultTarget(
    em: EntityManager,
    ticket: TicketEntity,
    from: TierEntity,
    direction: EscalationDirection,
  ): Promise<TierEntity> {
    const to = direction === 'up' ? await this.nextUp(em, from) : await this.nextDown(em, ticket, from);
    if (!to)
      throw new DomainError(
        'INVALID_TRANSITION',
        direction === 'up' ? 'The ticket is already at the top tier' : 'The ticket is already at the first line',
      );
    return to;
  }

  /** The tier's escalationTargetId when it is above, else the lowest level above (oldest tier first). */
  private async nextUp(em: EntityManager, from: TierEntity): Promise<TierEntity | null> {
    const target = from.escalationTargetId ? await em.findOneBy(TierEntity, { id: from.escalationTargetId }) : null;
    if (target && target.level > from.level) return target;
    return em
      .createQueryBuilder(TierEntity, 'tr')
      .where('tr.level > :level', { level: from.level })
      .orderBy('tr.level')
      .addOrderBy('tr."createdAt"')
      .addOrderBy('tr.id')
      .getOne();
  }

  /** Back to the tier that escalated the ticket into this one, else the first line. */
  private async nextDown(em: EntityManager, ticket: TicketEntity, from: TierEntity): Promise<TierEntity | null> {
    const [came] = await em.query(
      `SELECT tr.id FROM ticket_escalation x JOIN tier tr ON tr.id = x."fromTierId" AND tr."deletedAt" IS NULL
       WHERE x."ticketId" = $1 AND x."toTierId" = $2 AND x.direction = 'up' AND tr.level < $3 ORDER BY x.at DESC, x.id DESC LIMIT 1`,
      [ticket.id, from.id, from.level],
    );
    if (came) return em.findOneBy(TierEntity, { id: came.id });
    return em
      .createQueryBuilder(TierEntity, 'tr')
      .where('tr.level < :level', { level: from.level })
      .orderBy('tr.level')
      .addOrderBy('tr."createdAt"')
      .addOrderBy('tr.id')
      .getOne();
  }
}

/** Specialists get what they need the first time: every field the target tier requires, or 400 naming each. */
function assertHandoff(to: TierEntity, handoff: Handoff | null): void {
  const missing: FieldError[] = to.requiredHandoff
    .map((field) => HANDOFF_INPUT[field])
    .filter((key) => {
      const value = handoff?.[key];
      return Array.isArray(value) ? value.length === 0 : typeof value !== 'string' || value.trim() === '';
    })
    .map((key) => ({ field: `handoff.${key}`, message: `${key} is required by tier "${to.name}"` }));
  if (missing.length) throw DomainError.validation(missing);
}
