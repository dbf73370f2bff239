import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Notifier } from '../database/notifier.js';

const CHANNEL = 'tierdesk_identity';

/** What changed about who a caller is or what they may see: a user (role, active, tier memberships), an organization (sharing) or an API key. */
export type IdentityChange = `user:${string}` | `organization:${string}` | `apiKey:${string}`;
/** `all`: changes may have been missed (the listening connection was down): forget everything. */
export type IdentityListener = (change: IdentityChange | 'all') => void;

/**
 * Tells every replica's identity caches what changed, once the change has committed: through PostgreSQL NOTIFY on a
 * server (and at once in this process), in process on the embedded database. Writers of users, tier memberships,
 * organizations and API keys publish inside their transaction.
 */
@Injectable()
export class IdentityChanges implements OnModuleInit {
  private readonly listeners: IdentityListener[] = [];

  constructor(private readonly notifier: Notifier) {}

  async onModuleInit(): Promise<void> {
    await this.notifier.on(CHANNEL, (payload) => {
      for (const change of payload.split(',')) if (change) this.emit(change as IdentityChange);
    });
    this.notifier.onResync(() => this.emit('all'));
  }

  /** Caches may be used while this holds: no change can be missed. */
  get trustworthy(): boolean {
    return this.notifier.listening;
  }

  async publish(em: EntityManager, ...changes: IdentityChange[]): Promise<void> {
    // NOTIFY payloads are limited to 8000 bytes: 100 changes stay well under.
    for (let i = 0; i < changes.length; i += 100)
      await this.notifier.notify(em, CHANNEL, changes.slice(i, i + 100).join(','), { localNow: true });
  }

  /** Returns the function that stops the listener. */
  subscribe(listener: IdentityListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(change: IdentityChange | 'all'): void {
    for (const listener of this.listeners) listener(change);
  }
}

@Global()
@Module({ providers: [IdentityChanges], exports: [IdentityChanges] })
export class IdentityChangesModule {}
