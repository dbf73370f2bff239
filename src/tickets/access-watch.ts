import type { Actor } from '../actor/actor.js';
import type { Authenticator } from '../auth/authenticator.js';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, type SubscriberConnection } from '../common/graphql/subscriber-connection.js';
import type { IdentityChanges } from '../identity/identity-changes.js';

// setTimeout takes at most a signed 32-bit number of milliseconds (~24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps a live subscription to its subscriber's access now: `current()` is the subscriber as they are (from the identity
 * caches), or null once they may no longer subscribe. Then the feed ends and the socket is closed — 4401 when the
 * credential expired, 4403 when it was revoked or the user deactivated — at expiry by a timer, and at once when an
 * identity change about them arrives, not only with the next event.
 */
export class AccessWatch {
  private ended = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    readonly actor: Actor,
    private readonly authenticator: Authenticator,
    identities: IdentityChanges,
    private readonly feed: { end(): void },
    private readonly connection: SubscriberConnection | undefined,
  ) {
    this.arm();
    this.unsubscribe = identities.subscribe((change) => {
      if (
        change === 'all' ||
        change === `user:${actor.id}` ||
        change === `apiKey:${actor.apiKeyId}` ||
        change === `organization:${actor.organizationId}`
      )
        void this.current();
    });
  }

  /**
   * Checks again when the credential expires. A timer may fire a millisecond before Date.now() reaches the expiry (they
   * are different clocks), when the credential still looks valid: then it is armed again for what is left.
   */
  private arm(): void {
    const expiresAt = this.actor.expiresAt;
    if (expiresAt === undefined || this.ended) return;
    this.timer = setTimeout(
      () => (Date.now() < expiresAt ? this.arm() : void this.current()),
      Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS),
    );
    this.timer.unref();
  }

  async current(): Promise<Actor | null> {
    if (this.ended) return null;
    const now = await this.authenticator.current(this.actor).catch(() => this.actor); // a failed lookup is checked again with the next event
    if (now || this.ended) return now;
    const expired = this.actor.expiresAt !== undefined && this.actor.expiresAt <= Date.now();
    this.stop();
    this.feed.end();
    this.connection?.close(expired ? CLOSE_UNAUTHORIZED : CLOSE_FORBIDDEN, expired ? 'Credential expired' : 'Access withdrawn');
    return null;
  }

  stop(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
  }
}
