import type { GraphQLFormattedError } from 'graphql';
import { DomainError } from '../errors/domain-error.js';
import { ErrorCode, HTTP_STATUS_OF } from '../errors/error-code.js';

const OUR_CODES = new Set<string>(Object.values(ErrorCode));
// Apollo's and graphql-armor's codes, folded into the closed list of API.md.
const FOREIGN_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'VALIDATION_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_USER_INPUT: 'VALIDATION_FAILED',
  BAD_REQUEST: 'VALIDATION_FAILED',
  PERSISTED_QUERY_NOT_SUPPORTED: 'VALIDATION_FAILED',
  PERSISTED_QUERY_NOT_FOUND: 'VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
};

/** Every GraphQL error leaves with `extensions.code` from API.md and without a stack trace. */
export function formatGraphqlError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  // Nest's exception filter only wraps query and mutation handlers: a DomainError thrown by a field resolver (or while a
  // subscription starts) arrives here unconverted and keeps its own code instead of becoming INTERNAL.
  const original = (error as { originalError?: unknown } | undefined)?.originalError;
  if (original instanceof DomainError) {
    formatted = { ...formatted, message: original.detail, extensions: { code: original.code, errors: original.errors } };
  }
  const extensions = formatted.extensions ?? {};
  const raw = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  const code: ErrorCode = OUR_CODES.has(raw) ? (raw as ErrorCode) : (FOREIGN_CODES[raw] ?? 'INTERNAL');
  const internal = code === 'INTERNAL';
  return {
    message: internal ? 'An unexpected error occurred' : formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code,
      status: HTTP_STATUS_OF[code],
      ...(Array.isArray(extensions.errors) && extensions.errors.length ? { errors: extensions.errors } : {}),
    },
  };
}
