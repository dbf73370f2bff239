import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PubSub } from 'graphql-subscriptions';
import { Client } from 'pg';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { TicketEventEntity } from './ticket-event.entity.js';

const CHANNEL = 'tierdesk_events';
export const TICKET_EVENTS_TOPIC = 'ticket-events';

/**
 * Fans committed events out to this replica's subscribers. On PostgreSQL every replica LISTENs, so an event published
 * by any replica reaches subscribers connected to all of them; the embedded database has one process, so it is local.
 */
@Injectable()
export class EventBus implements OnModuleInit, OnApplicationShutdown {
  readonly pubSub = new PubSub();
  private readonly logger = new Logger('EventBus');
  private listener: Client | null = null;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  get crossReplica(): boolean {
    return this.config.database.kind === 'postgres';
  }

  async onModuleInit(): Promise<void> {
    if (this.crossReplica) await this.listen();
  }

  /**
   * Inside the dispatcher's transaction: NOTIFY every replica. PostgreSQL delivers notifications only when that
   * transaction commits, so "marked published" and "announced" happen together or not at all.
   */
  async announceInTransaction(em: EntityManager, eventIds: string[]): Promise<void> {
    // NOTIFY payloads are limited to 8000 bytes: batches of 100 ids stay well under.
    for (let i = 0; i < eventIds.length; i += 100) {
      await em.query('SELECT pg_notify($1, $2)', [CHANNEL, eventIds.slice(i, i + 100).join(',')]);
    }
  }

  /** Publishes the events to this replica's subscribers. */
  async deliver(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const events = await this.dataSource.getRepository(TicketEventEntity).find({ where: { id: In(eventIds) }, order: { position: 'ASC' } });
    for (const event of events) await this.pubSub.publish(TICKET_EVENTS_TOPIC, event);
  }

  private async listen(): Promise<void> {
    if (this.config.database.kind !== 'postgres') return;
    const client = new Client({ connectionString: this.config.database.url, application_name: 'tierdesk-listen' });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) {
        this.deliver(message.payload.split(',')).catch((error: Error) => this.logger.error(`Delivering events failed: ${error.message}`));
      }
    });
    client.on('error', (error) => {
      this.logger.warn(`LISTEN connection lost (${error.message}); reconnecting`);
      this.listener = null;
      if (!this.stopping) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.listener?.end().catch(() => undefined);
  }
}
