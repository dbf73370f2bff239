import type { ApolloServerPlugin } from '@apollo/server';
import { Logger } from '@nestjs/common';
import { loggedByFilter } from '../errors/problem.filter.js';
import { isInternalGraphqlError } from './format-error.js';

/**
 * Logs each error a GraphQL response answers as INTERNAL once, with the request id the caller got in X-Request-Id, as
 * the problem filter does for REST. The filter logs what query and mutation handlers throw; this logs the rest: field
 * resolvers and their loaders (one failed batch fails many fields, and is logged once), and Apollo's own failures.
 */
export function logInternalErrors(): ApolloServerPlugin<{ req?: { id?: string } }> {
  const logger = new Logger('Errors');
  return {
    async requestDidStart() {
      const seen = new Set<unknown>();
      return {
        async didEncounterErrors({ contextValue, errors, operationName }) {
          for (const error of errors) {
            const cause = error.originalError ?? error;
            if (seen.has(cause) || loggedByFilter(error) || loggedByFilter(cause) || !isInternalGraphqlError(error)) continue;
            seen.add(cause);
            logger.error({ reqId: contextValue.req?.id, err: cause, path: error.path, operationName }, 'unexpected error');
          }
        },
      };
    },
  };
}
