import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PubSub } from 'graphql-subscriptions';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { Notifier } from '../database/notifier.js';
import { TicketEventEntity } from './ticket-event.entity.js';

const CHANNEL = 'tierdesk_events';
export const TICKET_EVENTS_TOPIC = 'ticket-events';

/** A PubSub that can tell whether anyone listens to a topic. */
class ListenedPubSub extends PubSub {
  listened(topic: string): boolean {
    return this.ee.listenerCount(topic) > 0;
  }
}

/**
 * Fans committed events out to this replica's subscribers. On PostgreSQL every replica LISTENs, so an event published
 * by any replica reaches subscribers connected to all of them; the embedded database has one process, so it is local.
 */
@Injectable()
export class EventBus implements OnModuleInit {
  readonly pubSub = new ListenedPubSub();
  private readonly logger = new Logger('EventBus');
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: Notifier,
  ) {}

  get crossReplica(): boolean {
    return this.notifier.crossReplica;
  }

  async onModuleInit(): Promise<void> {
    if (!this.crossReplica) return;
    await this.notifier.on(CHANNEL, (payload) => {
      if (payload)
        this.deliver(payload.split(',')).catch((error: Error) => this.logger.error(`Delivering events failed: ${error.message}`));
    });
  }

  /**
   * Inside the dispatcher's transaction: NOTIFY every replica. PostgreSQL delivers notifications only when that
   * transaction commits, so "marked published" and "announced" happen together or not at all.
   */
  async announceInTransaction(em: EntityManager, eventIds: string[]): Promise<void> {
    // NOTIFY payloads are limited to 8000 bytes: batches of 100 ids stay well under.
    for (let i = 0; i < eventIds.length; i += 100) await this.notifier.notify(em, CHANNEL, eventIds.slice(i, i + 100).join(','));
  }

  /**
   * Publishes the events to this replica's subscribers, after those of earlier calls: each call reads its events first,
   * and two notifications read concurrently could otherwise be published in the wrong order.
   */
  deliver(eventIds: string[]): Promise<void> {
    const run = this.delivering.then(() => this.publish(eventIds));
    this.delivering = run.catch(() => undefined);
    return run;
  }

  private async publish(eventIds: string[]): Promise<void> {
    // No live subscriber on this replica: nothing to read (a subscriber starting later reads its backlog itself).
    if (eventIds.length === 0 || !this.pubSub.listened(TICKET_EVENTS_TOPIC)) return;
    const events = await this.dataSource.getRepository(TicketEventEntity).find({ where: { id: In(eventIds) }, order: { position: 'ASC' } });
    for (const event of events) await this.pubSub.publish(TICKET_EVENTS_TOPIC, event);
  }
}
