import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { JobQueue } from '../jobs/job-queue.js';
import { SlaClockEntity } from '../sla/sla-clock.entity.js';
import { SLA_DEADLINE_QUEUE, SlaClocks, type DeadlineJob } from '../sla/sla-clocks.service.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { EscalationsService } from './escalations.service.js';

/**
 * Runs SLA deadlines: `sla.warning`, `sla.breached` and, when the policy says so, the automatic escalation, all in one
 * transaction under the ticket's row lock. Lives beside escalations because a breach may move the ticket.
 * A job fired twice (pg-boss retries after a crash) finds the clock already breached and does nothing.
 */
@Injectable()
export class SlaDeadlineWorker implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly clocks: SlaClocks,
    private readonly escalations: EscalationsService,
    private readonly outbox: OutboxDispatcher,
  ) {}

  onModuleInit(): void {
    // Events are handed on once per batch: after every job, a burst of deadlines would mean a dispatch round each.
    this.jobs.register<DeadlineJob>(SLA_DEADLINE_QUEUE, (job) => this.handle(job), {
      batchSize: 100,
      afterBatch: () => this.outbox.poke(),
    });
  }

  async handle(job: DeadlineJob): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      // The ticket's lock first, as every other writer of the ticket and its clocks takes it.
      const ticket = await em
        .createQueryBuilder(TicketEntity, 't')
        .innerJoin(SlaClockEntity, 'c', 'c."ticketId" = t.id')
        .where('c.id = :clockId', { clockId: job.clockId })
        .setLock('pessimistic_write', undefined, ['t'])
        .getOne();
      if (!ticket) return;
      const breach = await this.clocks.fire(em, ticket, job);
      if (breach?.policy?.autoEscalate) {
        const metric = breach.clock.metric === 'first_response' ? 'first response' : 'resolution';
        await this.escalations.escalateForBreach(em, ticket, `SLA breached: ${metric} was due at ${breach.clock.dueAt.toISOString()}`);
      }
    });
  }
}
