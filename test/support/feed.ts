import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from './test-app';

export interface FeedEvent {
  cursor: string;
  sequence: number;
  type: string;
  ticketId: string;
}

export const SUBSCRIPTION =
  'subscription($ticketId: ID, $after: String) { ticketEvents(ticketId: $ticketId, after: $after) { cursor sequence type ticketId } }';
export const WAIT_MS = 5000;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One graphql-ws connection carrying one `ticketEvents` subscription; records everything it receives. */
export class Feed {
  readonly events: FeedEvent[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  private readonly client: Client;

  constructor(app: TestApp, auth: string | null, variables: { ticketId?: string; after?: string } = {}) {
    this.client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: auth ? { Authorization: auth } : {},
      retryAttempts: 0,
    });
    this.client.subscribe<{ ticketEvents: FeedEvent }>(
      { query: SUBSCRIPTION, variables },
      {
        next: (result) => {
          if (result.errors) this.errors.push(...result.errors);
          if (result.data) this.events.push(result.data.ticketEvents);
        },
        error: (error) => this.errors.push(...(Array.isArray(error) ? error : [error])),
        complete: () => (this.completed = true),
      },
    );
  }

  of(ticketId: string): FeedEvent[] {
    return this.events.filter((e) => e.ticketId === ticketId);
  }

  /** extensions.code of GraphQL errors; `close <code>` for a closed socket. */
  codes(): string[] {
    return this.errors.map((e) => (e as { extensions?: { code?: string } }).extensions?.code ?? `close ${(e as { code?: number }).code}`);
  }

  async dispose(): Promise<void> {
    await this.client.dispose();
  }
}

export async function waitFor(condition: () => boolean, describe: () => string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(20);
  }
}

/**
 * graphql-ws does not acknowledge a subscription: ping (a change the feeds may see) until every feed has received
 * something, which proves its live feed is attached.
 */
export async function untilLive(feeds: Feed[], ping: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  const start = feeds.map((f) => f.events.length);
  const live = () => feeds.every((f, i) => f.events.length > start[i]);
  while (!live()) {
    const errors = feeds.flatMap((f) => f.codes());
    if (errors.length) throw new Error(`subscription failed: ${errors.join(', ')}`);
    if (Date.now() > deadline) throw new Error('subscription never went live');
    await ping();
    const settle = Date.now() + 300;
    while (!live() && Date.now() < settle) await sleep(20);
  }
}
