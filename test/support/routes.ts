import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { RESOLVER_NAME_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import type { Role } from '../../src/actor/actor';
import { PUBLIC_KEY, ROLES_KEY } from '../../src/actor/roles.decorator';

export interface RouteRule {
  /** `GET /v1/users/:id` or `Query.users` */
  name: string;
  method?: string;
  path?: string;
  roles: Role[] | undefined;
  isPublic: boolean;
  /** The handler function (REST), for reading its other metadata. */
  handler?: object;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD'];
const UNPREFIXED = new Set(['health', 'ready', 'metrics']);

function classesOf(app: INestApplication, kind: 'controllers' | 'providers') {
  return [...app.get(ModulesContainer).values()]
    .flatMap((m) => [...m[kind].values()])
    .map((w) => w.metatype)
    .filter((t): t is new (...a: never[]) => object => typeof t === 'function');
}

function ruleOf(target: object, handler: object) {
  const roles = Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, target);
  const isPublic = Boolean(Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, target));
  return { roles: roles as Role[] | undefined, isPublic };
}

/** Every REST route of the app with its access rule, read from the same metadata the guard reads. */
export function restRoutes(app: INestApplication): RouteRule[] {
  return [...new Set(classesOf(app, 'controllers'))].flatMap((controller) => {
    const base = String(Reflect.getMetadata('path', controller) ?? '').replace(/^\/|\/$/g, '');
    return Object.getOwnPropertyNames(controller.prototype)
      .map((name) => (controller.prototype as Record<string, object>)[name])
      .filter((handler) => typeof handler === 'function' && Reflect.hasMetadata('method', handler))
      .map((handler) => {
        const method = METHODS[Reflect.getMetadata('method', handler) as number];
        const sub = String(Reflect.getMetadata('path', handler) ?? '').replace(/^\/|\/$/g, '');
        const joined = [base, sub].filter(Boolean).join('/');
        const path = UNPREFIXED.has(base || sub) ? `/${joined}` : `/v1/${joined}`;
        return { name: `${method} ${path}`, method, path, handler, ...ruleOf(controller, handler) };
      });
  });
}

/** Every GraphQL query, mutation and subscription with its access rule. */
export function graphqlOperations(app: INestApplication): RouteRule[] {
  return [...new Set(classesOf(app, 'providers'))]
    .filter((type) => Reflect.hasMetadata(RESOLVER_TYPE_METADATA, type))
    .flatMap((resolver) =>
      Object.getOwnPropertyNames(resolver.prototype)
        .map((name) => ({ name, handler: (resolver.prototype as Record<string, object>)[name] }))
        .filter(
          ({ handler }) =>
            typeof handler === 'function' &&
            ['Query', 'Mutation', 'Subscription'].includes(Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler)),
        )
        .map(({ name, handler }) => ({
          name: `${Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler)}.${Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) ?? name}`,
          ...ruleOf(resolver, handler),
        })),
    );
}

/** A concrete URL for a route pattern: every `:param` becomes a random UUID. */
export function concretePath(path: string): string {
  return path.replace(/:[A-Za-z]+/g, () => crypto.randomUUID());
}
