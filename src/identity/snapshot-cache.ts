import { LRUCache } from 'lru-cache';

/**
 * An in-process cache of identity snapshots (who a caller is and what they may see), emptied of an entry whenever
 * IdentityChanges says it changed. A read that began before an invalidation is not stored (the generation moved on),
 * so a stale value cannot be written back after the change that replaced it. Entries also expire after `ttlMs`.
 */
export class SnapshotCache<K extends string, V extends object> {
  private readonly entries: LRUCache<K, V>;
  private generation = 0;

  constructor(max: number, ttlMs: number) {
    this.entries = new LRUCache<K, V>({ max, ttl: ttlMs });
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Call before reading the value from the database; pass the result to `set`. */
  stamp(): number {
    return this.generation;
  }

  set(stamp: number, key: K, value: V): void {
    if (stamp === this.generation) this.entries.set(key, value);
  }

  /** Drops the entries `matches` selects (all when omitted). */
  invalidate(matches?: (value: V, key: K) => boolean): void {
    this.generation++;
    if (!matches) return this.entries.clear();
    for (const [key, value] of this.entries.entries()) if (matches(value, key)) this.entries.delete(key);
  }
}
