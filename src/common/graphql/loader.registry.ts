import { Injectable } from '@nestjs/common';
import type DataLoader from 'dataloader';

/**
 * Feature modules add their loaders here (declaration merging), e.g.
 * `declare module '../common/graphql/loader.registry.js' { interface Loaders { userById: DataLoader<string, User | null> } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

type LoaderFactories = Partial<Record<string, () => unknown>>;

/**
 * A singleton that builds a fresh set of DataLoaders for every GraphQL operation (request scope would spread to
 * every resolver). Modules register a factory once at start-up; the GraphQL context calls `create()` per request.
 */
@Injectable()
export class LoaderRegistry {
  private readonly factories: LoaderFactories = {};

  register<K extends keyof Loaders>(name: K, factory: () => Loaders[K]): void {
    if (this.factories[name as string]) throw new Error(`DataLoader "${String(name)}" is registered twice`);
    this.factories[name as string] = factory;
  }

  create(): Loaders {
    const loaders = {} as Record<string, DataLoader<unknown, unknown>>;
    for (const [name, factory] of Object.entries(this.factories)) loaders[name] = (factory as () => DataLoader<unknown, unknown>)();
    return loaders as unknown as Loaders;
  }
}
