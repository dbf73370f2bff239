import { Global, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { afterCommit } from './after-commit.js';

type Handler = (payload: string) => void;

/**
 * PostgreSQL LISTEN/NOTIFY for every replica, on one listening connection per process. On the embedded database there
 * is one process, so a notification is delivered in it, after the commit. A handler may miss notifications while the
 * connection is down: `onResync` handlers run after every (re)connection, and `listening` tells whether it is up now.
 */
@Injectable()
export class Notifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Notifier');
  private readonly handlers = new Map<string, Handler[]>();
  private readonly resyncHandlers: (() => void)[] = [];
  private client: Client | null = null;
  private stopping = false;

  constructor(private readonly config: AppConfig) {}

  get crossReplica(): boolean {
    return this.config.database.kind === 'postgres';
  }

  /** True while notifications from every replica arrive (always on the embedded database). */
  get listening(): boolean {
    return !this.crossReplica || this.client !== null;
  }

  async onModuleInit(): Promise<void> {
    if (this.crossReplica) await this.connect();
  }

  /** Handles `channel`'s notifications from now on (LISTEN is issued at once when connected). */
  async on(channel: string, handler: Handler): Promise<void> {
    const list = this.handlers.get(channel);
    if (list) return void list.push(handler);
    this.handlers.set(channel, [handler]);
    await this.client?.query(`LISTEN ${channel}`);
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.push(handler);
  }

  /**
   * Inside `em`'s transaction: every replica gets `payload` once the transaction commits, and nothing if it rolls back.
   * PostgreSQL itself holds a NOTIFY back until commit; the embedded database delivers in this process after it.
   * `localNow` also delivers in this process right after the commit, before the notification comes round.
   */
  async notify(em: EntityManager, channel: string, payload: string, options: { localNow?: boolean } = {}): Promise<void> {
    if (this.crossReplica) await em.query('SELECT pg_notify($1, $2)', [channel, payload]);
    if (!this.crossReplica || options.localNow) afterCommit(em, () => this.dispatch(channel, payload));
  }

  private dispatch(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        this.logger.error(`Handling a ${channel} notification failed: ${(error as Error).message}`);
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.config.database.kind !== 'postgres') return;
    const client = new Client({ connectionString: this.config.database.url, application_name: 'tierdesk-listen' });
    let connected = false;
    client.on('notification', (message) => this.dispatch(message.channel, message.payload ?? ''));
    client.on('error', (error) => {
      // Before LISTEN succeeded, the awaited connect()/query() below fails instead (and the caller retries).
      if (!connected) return;
      connected = false;
      this.client = null;
      client.end().catch(() => undefined);
      this.logger.warn(`LISTEN connection lost (${error.message}); reconnecting`);
      this.reconnect();
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    connected = true;
    this.client = client;
    for (const handler of this.resyncHandlers) handler();
  }

  /** Retries until LISTEN works again: one failed attempt (PostgreSQL restarting) must not silence this replica for good. */
  private reconnect(): void {
    if (this.stopping) return;
    setTimeout(() => {
      if (this.stopping) return;
      this.connect().catch((error: Error) => {
        this.logger.warn(`LISTEN reconnection failed (${error.message}); retrying`);
        this.reconnect();
      });
    }, 1000).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.client?.end().catch(() => undefined);
  }
}

@Global()
@Module({ providers: [Notifier], exports: [Notifier] })
export class NotifierModule {}
