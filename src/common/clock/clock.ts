import { Injectable } from '@nestjs/common';

/**
 * The time, for code whose behaviour turns on it (credential expiry): injected instead of calling Date.now(), so a
 * test moves time forward (`advance`) instead of sleeping until it has passed. In production it is the system clock.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves this app's time forward; for tests, which hold the app in process (nothing outside can reach it). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('The clock only moves forward');
    this.offsetMs += ms;
  }
}
