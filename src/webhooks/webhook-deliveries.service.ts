import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { paginate, type KeysetColumn, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { writeTransaction } from '../database/unit-of-work.js';
import { JobQueue } from '../jobs/job-queue.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { DELIVER_QUEUE, type DeliverJob } from './webhook-queue.js';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';

// Newest first: the log is read to see what just happened.
export const DELIVERY_KEYSET: KeysetColumn<WebhookDeliveryEntity>[] = [
  { expression: 'd."createdAt"', direction: 'DESC', value: (d) => d.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'd.id', direction: 'DESC', value: (d) => d.id, cast: '::uuid' },
];

/** A subscription's delivery log (kept 30 days) and replays. Admin only. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, subscriptionId: string, page: PageRequest): Promise<Page<WebhookDeliveryEntity>> {
    assertRole(actor, 'admin');
    if (!(await this.dataSource.getRepository(WebhookSubscriptionEntity).existsBy({ id: subscriptionId })))
      throw DomainError.notFound('Webhook');
    const qb = this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d."subscriptionId" = :subscriptionId', { subscriptionId });
    return paginate(qb, DELIVERY_KEYSET, page);
  }

  /**
   * Sends the delivery again, with the same `webhook-id` and body, as one more attempt (retried on the usual schedule
   * while attempts remain). Refused (409) while the subscription is off.
   */
  async replay(actor: Actor, subscriptionId: string, deliveryId: string): Promise<WebhookDeliveryEntity> {
    assertRole(actor, 'admin');
    return writeTransaction(this.dataSource, actor, async (em) => {
      const delivery = await em.findOne(WebhookDeliveryEntity, {
        where: { id: deliveryId, subscriptionId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!delivery) throw DomainError.notFound('Delivery');
      const subscription = await em.findOneBy(WebhookSubscriptionEntity, { id: subscriptionId });
      if (!subscription?.active) throw new DomainError('CONFLICT', 'The webhook is disabled; turn it back on (active: true) first');
      Object.assign(delivery, { status: 'pending', nextAttemptAt: this.clock.date() });
      const saved = await em.save(delivery);
      // Due at once by the database's time (see WebhookFanOut).
      await this.jobs.schedule(em, DELIVER_QUEUE, { deliveryId, attempt: delivery.attempts + 1 } satisfies DeliverJob, new Date());
      return saved;
    });
  }
}
