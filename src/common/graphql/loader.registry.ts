import { Injectable } from '@nestjs/common';
import type { Actor } from '../../actor/actor.js';
import { DomainError } from '../errors/domain-error.js';

/**
 * Feature modules add their loaders here (declaration merging), e.g.
 * `declare module '../common/graphql/loader.registry.js' { interface Loaders { userView: DataLoader<string, User | null> } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

/** The request's actor, read when a batch runs: the GraphQL context is built before the guard authenticates. */
export type ActorOf = () => Actor;

type LoaderFactories = Partial<Record<string, (actor: ActorOf) => unknown>>;

/**
 * A singleton that builds a fresh set of DataLoaders for every GraphQL operation (request scope would spread to
 * every resolver). Modules register a factory once at start-up; the GraphQL context calls `create()` per request with
 * the request's actor, so each loader reads through services with that actor's rules, and its cache never serves one
 * caller's view to another.
 */
@Injectable()
export class LoaderRegistry {
  private readonly factories: LoaderFactories = {};

  register<K extends keyof Loaders>(name: K, factory: (actor: ActorOf) => Loaders[K]): void {
    if (this.factories[name as string]) throw new Error(`DataLoader "${String(name)}" is registered twice`);
    this.factories[name as string] = factory;
  }

  /** `actorOf` is read lazily; without one (or before authentication) a loader refuses to load anything. */
  create(actorOf: () => Actor | undefined = () => undefined): Loaders {
    const actor: ActorOf = () => {
      const current = actorOf();
      if (!current) throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required', [], { 'WWW-Authenticate': 'Bearer' });
      return current;
    };
    const loaders: Record<string, unknown> = {};
    for (const [name, factory] of Object.entries(this.factories)) loaders[name] = factory!(actor);
    return loaders as unknown as Loaders;
  }
}
