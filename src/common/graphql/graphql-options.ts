import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { ServerOptions } from 'graphql-ws';
import type { Actor } from '../../actor/actor.js';
import type { AppConfig } from '../../config/app-config.js';
import { logInternalErrors } from './error-log.plugin.js';
import { formatGraphqlError } from './format-error.js';
import { refuseMalformedIds } from './id-arguments.js';
import type { LoaderRegistry } from './loader.registry.js';
import type { SubscriberConnection } from './subscriber-connection.js';

// graphql-ws sends errors as graphql-js made them (Apollo's formatError never sees them): give them the same codes and
// redaction. Nest passes every graphql-ws option through, though its type only names some of them.
const graphqlWsOptions: Pick<ServerOptions, 'onError' | 'onNext'> = {
  onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatGraphqlError(error.toJSON(), error)),
  onNext: (_ctx, _id, _payload, _args, result) =>
    result.errors?.length ? { ...result, errors: result.errors.map((error) => formatGraphqlError(error.toJSON(), error)) } : undefined,
};

const MAX_TOKENS = 5000;

/** Apollo options: code-first schema, graphql-ws subscriptions, armor limits, per-operation DataLoaders. */
export function graphqlOptions(config: AppConfig, loaders: LoaderRegistry): ApolloDriverConfig {
  const g = config.graphql;
  const armor = new ApolloArmor({
    maxDepth: { n: g.maxDepth },
    maxAliases: { n: g.maxAliases },
    costLimit: { maxCost: g.maxCost },
    maxDirectives: { n: 50 },
    // The token limit is graphql-js's own (parseOptions below): armor's throws from a plugin hook, which Apollo answers
    // with HTTP 500 though the caller is at fault.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !g.introspection },
  }).protect();
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // Ids are checked before any resolver runs: a malformed one never reaches SQL.
    transformSchema: refuseMalformedIds,
    introspection: g.introspection,
    graphiql: false,
    // armor is typed against Apollo's ESM build, Nest against its CJS build: same objects at run time.
    // No cache hints are used: without this, Apollo's cache-control plugin wraps every field of every response.
    plugins: [...armor.plugins, ApolloServerPluginCacheControlDisabled(), logInternalErrors()] as ApolloDriverConfig['plugins'],
    validationRules: armor.validationRules,
    // A longer document is a syntax error: 400 VALIDATION_FAILED, before any validation work.
    parseOptions: { maxTokens: MAX_TOKENS },
    // Batches are allowed but capped at GRAPHQL_MAX_BATCH by a hook in bootstrap.
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphqlError,
    subscriptions: { 'graphql-ws': graphqlWsOptions as GraphQLWsSubscriptionsConfig },
    // Fastify passes (request, reply); graphql-ws passes its connection context, whose connectionParams carry the
    // credential: it becomes a request-like object so the same guard authenticates subscriptions.
    context: (request: { req?: unknown; connectionParams?: Record<string, unknown>; extra?: unknown }, reply?: unknown) => {
      if (request.extra !== undefined) {
        const params = request.connectionParams ?? {};
        const authorization = params.Authorization ?? params.authorization;
        const req: { headers: Record<string, unknown>; user?: Actor } = {
          headers: { authorization: typeof authorization === 'string' ? authorization : undefined },
        };
        // A subscription ends the socket when its caller loses the right to it (token expired, user deactivated).
        const socket = (request.extra as { socket?: { close(code: number, reason: string): void } }).socket;
        const connection: SubscriberConnection = { close: (code, reason) => socket?.close(code, reason) };
        return { req, connection, loaders: loaders.create(() => req.user) };
      }
      const req = (request.req ?? request) as { user?: Actor };
      // The guard sets req.user only when the operation's resolver runs: the loaders read it then, not now.
      return { req, reply, loaders: loaders.create(() => req.user) };
    },
  };
}
