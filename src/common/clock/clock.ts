import { Injectable } from '@nestjs/common';

/** Told the new time when a test moves the clock (the job queue releases the jobs that are now due). */
export type ClockListener = (now: Date) => Promise<unknown>;

/**
 * The time, for code whose behaviour turns on it (SLA deadlines, pauses, credential expiry): injected instead of
 * calling Date.now(), so a test moves time forward (`advance`) instead of sleeping until it has passed. In production it
 * is the system clock. Times the database stamps on its own (`updatedAt`, `now()` in SQL) stay on the system clock.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;
  private readonly listeners: ClockListener[] = [];

  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  onAdvance(listener: ClockListener): void {
    this.listeners.push(listener);
  }

  /** Moves this app's time forward; for tests, which hold the app in process (nothing outside can reach it). */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError('The clock only moves forward');
    this.offsetMs += ms;
    for (const listener of this.listeners) await listener(this.date());
  }
}
