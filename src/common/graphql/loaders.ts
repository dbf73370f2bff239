import DataLoader from 'dataloader';

/** A loader returning rows in key order (null for a missing id), one query per batch. */
export function loaderById<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await fetch(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** A loader returning the rows of each key (e.g. a ticket's messages), one query per batch, in key order. */
export function loaderGroupedBy<T, K extends keyof T & string>(key: K, fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => {
    const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
    for (const row of await fetch(ids)) groups.get(String(row[key]))?.push(row);
    return ids.map((id) => groups.get(id)!);
  });
}
