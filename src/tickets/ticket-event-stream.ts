import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PubSub } from 'graphql-subscriptions';
import type { DataSource } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { Authenticator } from '../auth/authenticator.js';
import type { SubscriberConnection } from '../common/graphql/subscriber-connection.js';
import { IdentityChanges } from '../identity/identity-changes.js';
import { DomainError } from '../common/errors/domain-error.js';
import { EventBus, TICKET_EVENTS_TOPIC } from '../events/event-bus.js';
import { TicketEventEntity } from '../events/ticket-event.entity.js';
import { TicketAccess, type TicketScope } from '../ticket-core/ticket-access.js';
import { AccessWatch } from './access-watch.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { toTicketEvent, type TicketEvent } from '../ticket-core/ticket.model.js';

// The backlog is read in pages of this many visible events, until it is exhausted.
const BACKLOG_PAGE = 1000;
// How many of the latest live event ids a subscription remembers to skip a repeated delivery.
const SEEN_WINDOW = 1000;

type Payload = { ticketEvents: TicketEvent };
interface Options {
  ticketId?: string | null;
  after?: string | null;
}

/**
 * `ticketEvents(ticketId?, after?)`: the events a subscriber may see, live, after replaying what it missed since its
 * cursor. The live feed is attached before the backlog is read, so nothing falls between the two. Access is checked as
 * each event leaves, against the subscriber's access now (cached; caches follow IdentityChanges): a subscriber moved out
 * of a tier stops receiving its tickets, and one whose credential expires or is withdrawn has the socket closed.
 */
@Injectable()
export class TicketEventStream {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly bus: EventBus,
    private readonly authenticator: Authenticator,
    private readonly identities: IdentityChanges,
  ) {}

  /**
   * Checks run before the stream is returned, so a refusal is an ordinary resolver error (with its code). The iterator's
   * return() ends the live feed first: an async generator waiting for the next live event could not be returned.
   */
  async subscribe(actor: Actor, options: Options, connection?: SubscriberConnection): Promise<AsyncIterableIterator<Payload>> {
    if (options.after != null && !/^\d{1,18}$/.test(options.after))
      throw DomainError.validation([{ field: 'after', message: 'after must be an event cursor' }]);
    const scope = await this.access.scopeOf(actor);
    if (options.ticketId) {
      const ticket = await this.dataSource.getRepository(TicketEntity).findOneBy({ id: options.ticketId });
      this.access.assertVisible(scope, ticket);
    }
    const live = await LiveEvents.attach(this.bus.pubSub);
    const watch = new AccessWatch(actor, this.authenticator, this.identities, live, connection);
    const events = this.events(watch, scope, options, live);
    const iterator: AsyncIterableIterator<Payload> = {
      next: () => events.next(),
      return: async () => {
        watch.stop();
        live.end();
        return events.return(undefined);
      },
      throw: async (error: unknown) => {
        watch.stop();
        live.end();
        return events.throw(error);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private async *events(watch: AccessWatch, scope: TicketScope, options: Options, live: LiveEvents): AsyncGenerator<Payload> {
    try {
      // Replayed events may also come live (committed before the backlog read, published after the attach): skip those
      // by id. A position high-water mark would also drop events committed late with a lower position.
      const replayed = new Set<string>();
      if (options.after != null) {
        let from = options.after;
        for (;;) {
          const page = await this.backlogPage(watch.actor, scope, options.ticketId, from);
          for (const event of page) {
            replayed.add(event.id);
            yield { ticketEvents: toTicketEvent(event) };
          }
          if (page.length < BACKLOG_PAGE) break;
          from = page[page.length - 1].position;
        }
      }
      const after = options.after != null ? BigInt(options.after) : -1n;
      // Events are published at least once: one handed over again (the dispatcher retrying a batch) is skipped by id.
      const seen = new RecentIds(SEEN_WINDOW);
      for (let event = await live.next(); event; event = await live.next()) {
        if (BigInt(event.position) <= after || replayed.has(event.id) || !seen.add(event.id)) continue;
        if (options.ticketId && event.ticketId !== options.ticketId) continue;
        const now = await watch.current();
        if (!now) break;
        if (await this.visible(now, await this.access.scopeOf(now), event)) yield { ticketEvents: toTicketEvent(event) };
      }
    } finally {
      watch.stop();
      live.end();
    }
  }

  /** Visible events after `from`, in position order; visibility as of now, filtered in SQL. */
  private backlogPage(actor: Actor, scope: TicketScope, ticketId: string | null | undefined, from: string): Promise<TicketEventEntity[]> {
    const qb = this.dataSource
      .getRepository(TicketEventEntity)
      .createQueryBuilder('e')
      .innerJoin(TicketEntity, 't', 't.id = e."ticketId"')
      .where('e.position > :from', { from });
    if (ticketId) qb.andWhere('e."ticketId" = :ticketId', { ticketId });
    if (!isStaff(actor)) qb.andWhere('e.internal = false');
    this.access.applyTo(qb, scope);
    return qb.orderBy('e.position', 'ASC').limit(BACKLOG_PAGE).getMany();
  }

  // Re-checked per event: a ticket may move to a tier the subscriber does not work in.
  private async visible(actor: Actor, scope: TicketScope, event: TicketEventEntity): Promise<boolean> {
    if (event.internal && !isStaff(actor)) return false;
    const ticket = await this.dataSource.getRepository(TicketEntity).findOne({
      where: { id: event.ticketId },
      select: { id: true, tierId: true, assigneeId: true, requesterId: true, organizationId: true },
    });
    return ticket !== null && this.access.canSee(scope, ticket);
  }
}

/**
 * This replica's live events from the moment of attaching, buffered until read. (PubSub's own iterator subscribes only on
 * its first next(), which here would come after the backlog: events published meanwhile would be lost.)
 */
class LiveEvents {
  private readonly buffer: TicketEventEntity[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  private constructor(
    private readonly pubSub: PubSub,
    private subscriptionId: number | null = null,
  ) {}

  static async attach(pubSub: PubSub): Promise<LiveEvents> {
    const live = new LiveEvents(pubSub);
    live.subscriptionId = await pubSub.subscribe(TICKET_EVENTS_TOPIC, (event: TicketEventEntity) => live.push(event));
    return live;
  }

  /** The next live event; null once ended. */
  async next(): Promise<TicketEventEntity | null> {
    while (!this.ended && this.buffer.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    return this.ended ? null : this.buffer.shift()!;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer.length = 0;
    if (this.subscriptionId !== null) this.pubSub.unsubscribe(this.subscriptionId);
    this.wake?.();
  }

  private push(event: TicketEventEntity): void {
    if (this.ended) return;
    this.buffer.push(event);
    this.wake?.();
  }
}

/** The last `size` ids added; `add` says whether the id was new. */
class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly size: number) {}

  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.size) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
