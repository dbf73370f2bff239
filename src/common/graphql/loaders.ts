import DataLoader from 'dataloader';
import type { PageRequest } from '../pagination/keyset.js';

/** A loader returning rows in key order (null for a missing id), one query per batch. */
export function loaderById<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await fetch(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Relay page arguments of a connection field (`first`, `after`). */
export interface PageArguments {
  first: number;
  after?: string | null;
}

/**
 * For a connection field on a list of parents (`Ticket.messages(first, after)`): one loader per distinct page
 * arguments, made on first use, so every parent asking for the same page joins one batch.
 */
export function loaderPerPage<V>(create: (page: PageRequest) => DataLoader<string, V>): (args: PageArguments) => DataLoader<string, V> {
  const byPage = new Map<string, DataLoader<string, V>>();
  return ({ first, after }) => {
    const key = JSON.stringify([first, after ?? null]);
    let loader = byPage.get(key);
    if (!loader) byPage.set(key, (loader = create({ limit: first, cursor: after, cursorArg: 'after' })));
    return loader;
  };
}
