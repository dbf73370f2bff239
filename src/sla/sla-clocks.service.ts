import { Injectable, type OnModuleInit } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { JobQueue } from '../jobs/job-queue.js';
import type { TicketStatus } from '../ticket-core/ticket-status.js';
import type { SlaMetric, TicketEntity } from '../ticket-core/ticket.entity.js';
import { TicketWriter, type TicketChangeListener } from '../ticket-core/ticket-writer.js';
import { SlaClockEntity } from './sla-clock.entity.js';
import { SlaPolicyEntity } from './sla-policy.entity.js';
import { applicablePolicy } from './sla-policy.js';

export const SLA_DEADLINE_QUEUE = 'sla-deadline';
export type DeadlineKind = 'warning' | 'breach';
/** A deadline job names the exact deadline it was scheduled for: when the clock has moved since, the job is stale. */
export interface DeadlineJob {
  clockId: string;
  kind: DeadlineKind;
  at: string;
}

const PAUSING_STATUSES: readonly TicketStatus[] = ['pending', 'on_hold'];
const MINUTE = 60_000;

/**
 * The SLA clocks of tickets: started at creation (and per reopen), paused while waiting on the customer, satisfied by
 * the first public agent reply and by solving, retargeted when the ticket changes tier or priority. Every method runs
 * inside the caller's transaction, which holds the ticket row lock: all clock changes of a ticket are serialized by it.
 * Deadlines are pg-boss jobs scheduled in the same transaction.
 */
@Injectable()
export class SlaClocks implements TicketChangeListener, OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly writer: TicketWriter,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Every status, tier and priority change and every first response reaches the clocks through the ticket writer.
    this.writer.listen(this);
  }

  /**
   * A new ticket's two clocks under `policy`, started `at`, deadlines computed, not yet written: ticket intake inserts
   * them with the ticket (its `sla` columns from `slaColumnsOf`) and then calls `scheduleStarted`.
   */
  plan(ticketId: string, policy: SlaPolicyEntity, at: Date): SlaClockEntity[] {
    return this.planClocks(ticketId, policy, ['first_response', 'resolution'], 1, at);
  }

  /** The deadline jobs of clocks `plan` made, once they are inserted. */
  scheduleStarted(em: EntityManager, clocks: SlaClockEntity[]): Promise<void> {
    return this.scheduleDeadlines(em, clocks);
  }

  /** The first public reply of an agent. */
  async firstResponded(em: EntityManager, ticket: TicketEntity, at: Date): Promise<void> {
    const clock = (await this.running(em, ticket.id)).find((c) => c.metric === 'first_response');
    if (clock) await this.finish(em, ticket, clock, at, 'satisfied');
    await this.sync(em, ticket);
  }

  /** `pauseReason` names why the clocks stop (default: the status, e.g. `pending`; an information request says `info_request`). */
  async statusChanged(
    em: EntityManager,
    ticket: TicketEntity,
    from: TicketStatus,
    to: TicketStatus,
    at: Date,
    pauseReason?: string,
  ): Promise<void> {
    if (from === to) return;
    const running = await this.running(em, ticket.id);
    if (to === 'solved') {
      // Solving satisfies the resolution clock; a first response never given is moot (stopped, not breached).
      for (const clock of running) await this.finish(em, ticket, clock, at, clock.metric === 'resolution' ? 'satisfied' : 'stopped');
    } else if (from === 'solved' && to === 'open') {
      await this.startNewResolutionCycle(em, ticket, at);
    } else {
      const pauses = await this.pausingPolicies(em, running);
      for (const clock of running) {
        if (clock.pausedAt) await this.resume(em, clock, at);
        if (PAUSING_STATUSES.includes(to) && pauses.has(clock.policyId)) this.pause(clock, at, pauseReason ?? to);
        await persist(em, clock);
      }
    }
    await this.sync(em, ticket);
  }

  /**
   * After a move to another tier or a priority change: the clocks still running take the targets of the policy that
   * now applies (same start, paused time still added). With no clocks yet, they start now. No policy: unchanged.
   */
  async retargeted(em: EntityManager, ticket: TicketEntity, at: Date): Promise<void> {
    const policy = await applicablePolicy(em, ticket.priority, ticket.tierId);
    if (!policy) return;
    const clocks = await em.find(SlaClockEntity, { where: { ticketId: ticket.id } });
    if (clocks.length === 0) {
      const metrics: SlaMetric[] = [
        ...(!ticket.firstRespondedAt ? (['first_response'] as const) : []),
        ...(ticket.status !== 'solved' && ticket.status !== 'closed' ? (['resolution'] as const) : []),
      ];
      await this.startClocks(em, ticket, policy, metrics, 1, at);
    }
    for (const clock of clocks.filter(isRunning)) {
      if (clock.policyId === policy.id) continue;
      clock.policyId = policy.id;
      clock.targetMinutes = targetOf(policy, clock.metric);
      this.computeDeadlines(clock);
      await persist(em, clock);
      if (!clock.pausedAt) await this.scheduleDeadlines(em, [clock]);
    }
    await this.sync(em, ticket);
  }

  /** The ticket's `sla` columns (lists filter and sort on them) follow its clocks. */
  private sync(em: EntityManager, ticket: TicketEntity): Promise<void> {
    return this.writer.copySlaClocks(em, ticket);
  }

  /**
   * A deadline job fired. Returns the breached clock when this call breached it (the caller may escalate), else null.
   * Idempotent: a clock already warned/breached, satisfied, paused or moved since the job was scheduled is left alone.
   */
  async fire(
    em: EntityManager,
    ticket: TicketEntity,
    job: DeadlineJob,
  ): Promise<{ clock: SlaClockEntity; policy: SlaPolicyEntity | null } | null> {
    const clock = await em.findOneBy(SlaClockEntity, { id: job.clockId });
    if (!clock || !isRunning(clock) || clock.pausedAt) return null;
    const deadline = job.kind === 'warning' ? clock.warnAt : clock.dueAt;
    if (deadline.toISOString() !== job.at) return null;
    if (job.kind === 'warning') {
      if (clock.warnedAt || clock.breachedAt) return null;
      clock.warnedAt = this.writer.now();
      await em.update(SlaClockEntity, { id: clock.id }, { warnedAt: clock.warnedAt });
      await this.recordClockEvent(em, ticket, 'sla.warning', clock);
      return null;
    }
    if (clock.breachedAt) return null;
    clock.breachedAt = clock.dueAt;
    await em.update(SlaClockEntity, { id: clock.id }, { breachedAt: clock.breachedAt });
    await this.sync(em, ticket);
    await this.recordClockEvent(em, ticket, 'sla.breached', clock);
    return { clock, policy: await em.findOneBy(SlaPolicyEntity, { id: clock.policyId }) };
  }

  /** Clocks for these metrics in one insert, and their deadline jobs in another. */
  private async startClocks(
    em: EntityManager,
    ticket: TicketEntity,
    policy: SlaPolicyEntity,
    metrics: SlaMetric[],
    cycle: number,
    at: Date,
  ): Promise<void> {
    if (metrics.length === 0) return;
    const clocks = this.planClocks(ticket.id, policy, metrics, cycle, at);
    await em.insert(SlaClockEntity, clocks);
    await this.scheduleDeadlines(em, clocks);
  }

  private planClocks(ticketId: string, policy: SlaPolicyEntity, metrics: SlaMetric[], cycle: number, at: Date): SlaClockEntity[] {
    const clocks = metrics.map((metric) =>
      Object.assign(new SlaClockEntity(), {
        id: newId(),
        ticketId,
        metric,
        cycle,
        policyId: policy.id,
        targetMinutes: targetOf(policy, metric),
        startedAt: at,
        pauses: [],
        pausedAt: null,
        satisfiedAt: null,
        warnedAt: null,
        breachedAt: null,
        stoppedAt: null,
      }),
    );
    clocks.forEach((clock) => this.computeDeadlines(clock));
    return clocks;
  }

  private async startNewResolutionCycle(em: EntityManager, ticket: TicketEntity, at: Date): Promise<void> {
    const policy = await applicablePolicy(em, ticket.priority, ticket.tierId);
    if (!policy) return;
    const [{ last }] = await em.query(
      `SELECT coalesce(max(cycle), 0)::int AS last FROM sla_clock WHERE "ticketId" = $1 AND metric = 'resolution'`,
      [ticket.id],
    );
    await this.startClocks(em, ticket, policy, ['resolution'], last + 1, at);
  }

  /** Satisfied (the promise was kept, or late: then it also breached) or stopped (no longer applies). */
  private async finish(
    em: EntityManager,
    ticket: TicketEntity,
    clock: SlaClockEntity,
    at: Date,
    how: 'satisfied' | 'stopped',
  ): Promise<void> {
    if (clock.pausedAt) await this.resume(em, clock, at, false);
    if (how === 'stopped') clock.stoppedAt = at;
    else clock.satisfiedAt = at;
    // Met after the deadline but before its job ran (jobs poll): the breach is still recorded.
    const lateBreach = how === 'satisfied' && !clock.breachedAt && at > clock.dueAt;
    if (lateBreach) clock.breachedAt = clock.dueAt;
    await persist(em, clock);
    if (lateBreach) await this.recordClockEvent(em, ticket, 'sla.breached', clock);
  }

  private pause(clock: SlaClockEntity, at: Date, reason: string): void {
    clock.pausedAt = at;
    clock.pauses = [...clock.pauses, { from: at.toISOString(), to: null, reason }];
  }

  /** Ends the pause: the deadlines move later by the time paused, and are scheduled anew. */
  private async resume(em: EntityManager, clock: SlaClockEntity, at: Date, reschedule = true): Promise<void> {
    clock.pauses = clock.pauses.map((p) => (p.to === null ? { ...p, to: at.toISOString() } : p));
    clock.pausedAt = null;
    this.computeDeadlines(clock);
    if (reschedule) await this.scheduleDeadlines(em, [clock]);
  }

  private computeDeadlines(clock: SlaClockEntity): void {
    const paused = clock.pauses.filter((p) => p.to !== null).reduce((sum, p) => sum + (Date.parse(p.to!) - Date.parse(p.from)), 0);
    const start = clock.startedAt.getTime() + paused;
    clock.dueAt = new Date(start + clock.targetMinutes * MINUTE);
    clock.warnAt = new Date(start + Math.round((clock.targetMinutes * MINUTE * this.config.sla.warningPercent) / 100));
  }

  /** The warning and breach jobs still ahead of these clocks, sent in one statement. */
  private async scheduleDeadlines(em: EntityManager, clocks: SlaClockEntity[]): Promise<void> {
    const job = (clock: SlaClockEntity, kind: DeadlineKind, at: Date) => ({
      data: { clockId: clock.id, kind, at: at.toISOString() } satisfies DeadlineJob,
      runAt: at,
    });
    const jobs = clocks.flatMap((clock) => [
      ...(!clock.warnedAt && !clock.breachedAt ? [job(clock, 'warning', clock.warnAt)] : []),
      ...(!clock.breachedAt ? [job(clock, 'breach', clock.dueAt)] : []),
    ]);
    await this.jobs.scheduleMany(em, SLA_DEADLINE_QUEUE, jobs);
  }

  private running(em: EntityManager, ticketId: string): Promise<SlaClockEntity[]> {
    return em.find(SlaClockEntity, { where: { ticketId } }).then((clocks) => clocks.filter(isRunning));
  }

  /** Which of these clocks' policies stop the clock while pending/on hold (a deleted policy: yes, the safe default). */
  private async pausingPolicies(em: EntityManager, clocks: SlaClockEntity[]): Promise<Set<string>> {
    const ids = [...new Set(clocks.map((c) => c.policyId))];
    const policies = ids.length ? await em.findBy(SlaPolicyEntity, { id: In(ids) }) : [];
    return new Set(ids.filter((id) => policies.find((p) => p.id === id)?.pauseWhilePending ?? true));
  }

  private recordClockEvent(em: EntityManager, ticket: TicketEntity, type: 'sla.warning' | 'sla.breached', clock: SlaClockEntity) {
    return this.writer.record(em, ticket, {
      type,
      actorId: null,
      internal: true,
      after: { metric: clock.metric, cycle: clock.cycle, policyId: clock.policyId, dueAt: clock.dueAt.toISOString() },
    });
  }
}

/** Writes a loaded clock's mutable fields back (an update by id; `save` would read the row first). */
function persist(em: EntityManager, c: SlaClockEntity) {
  return em.update(
    SlaClockEntity,
    { id: c.id },
    {
      policyId: c.policyId,
      targetMinutes: c.targetMinutes,
      dueAt: c.dueAt,
      warnAt: c.warnAt,
      pauses: c.pauses,
      pausedAt: c.pausedAt,
      satisfiedAt: c.satisfiedAt,
      stoppedAt: c.stoppedAt,
      breachedAt: c.breachedAt,
    },
  );
}

function isRunning(clock: SlaClockEntity): boolean {
  return !clock.satisfiedAt && !clock.stoppedAt;
}

function targetOf(policy: SlaPolicyEntity, metric: SlaMetric): number {
  return metric === 'first_response' ? policy.firstResponseMinutes : policy.resolutionMinutes;
}

/** A new ticket's `sla` columns for the clocks `plan` started (what `sync` would read back from them). */
export function slaColumnsOf(
  clocks: SlaClockEntity[],
): Pick<TicketEntity, 'slaPolicyId' | 'firstResponseDueAt' | 'resolutionDueAt' | 'slaBreached' | 'slaDueAt'> {
  const due = (metric: SlaMetric) => clocks.find((c) => c.metric === metric)?.dueAt ?? null;
  const running = clocks.filter((c) => !c.pausedAt).map((c) => c.dueAt.getTime());
  return {
    slaPolicyId: (clocks.find((c) => c.metric === 'resolution') ?? clocks[0])?.policyId ?? null,
    firstResponseDueAt: due('first_response'),
    resolutionDueAt: due('resolution'),
    slaBreached: [],
    slaDueAt: running.length ? new Date(Math.min(...running)) : null,
  };
}
