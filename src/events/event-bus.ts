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
  private delivering: Promise<void> = Promise.resolve();

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
    if (eventIds.length === 0) return;
    const events = await this.dataSource.getRepository(TicketEventEntity).find({ where: { id: In(eventIds) }, order: { position: 'ASC' } });
    for (const event of events) await this.pubSub.publish(TICKET_EVENTS_TOPIC, event);
  }

  private async listen(): Promise<void> {
    if (this.config.database.kind !== 'postgres') return;
    const client = new Client({ connectionString: this.config.database.url, application_name: 'tierdesk-listen' });
    let listening = false;
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) {
        this.deliver(message.payload.split(',')).catch((error: Error) => this.logger.error(`Delivering events failed: ${error.message}`));
      }
    });
    client.on('error', (error) => {
      // Before LISTEN succeeded, the awaited connect()/query() below fails instead (and the caller retries).
      if (!listening) return;
      listening = false;
      this.listener = null;
      client.end().catch(() => undefined);
      this.logger.warn(`LISTEN connection lost (${error.message}); reconnecting`);
      this.reconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    listening = true;
    this.listener = client;
  }

  /** Retries until LISTEN works again: one failed attempt (PostgreSQL restarting) must not silence this replica for good. */
  private reconnect(): void {
    if (this.stopping) return;
    setTimeout(() => {
      if (this.stopping) return;
      this.listen().catch((error: Error) => {
        this.logger.warn(`LISTEN reconnection failed (${error.message}); retrying`);
        this.reconnect();
      });
    }, 1000).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.listener?.end().catch(() => undefined);
  }
}
