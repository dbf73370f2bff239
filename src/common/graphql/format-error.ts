import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../errors/domain-error.js';
import { ErrorCode, errorCodeForStatus, HTTP_STATUS_OF } from '../errors/error-code.js';
import { toProblem } from '../errors/problem.js';

const OUR_CODES = new Set<string>(Object.values(ErrorCode));
// Apollo's and graphql-armor's codes, folded into the closed list of API.md.
const FOREIGN_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'VALIDATION_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_USER_INPUT: 'VALIDATION_FAILED',
  BAD_REQUEST: 'VALIDATION_FAILED',
  PERSISTED_QUERY_NOT_SUPPORTED: 'VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
};
// Apollo's automatic persisted queries: a client that gets this code sends the full query again (Apollo answers it
// with HTTP 200), so it passes through as Apollo names it; it is a protocol step, not a failure of the caller.
const PASSED_THROUGH = new Set(['PERSISTED_QUERY_NOT_FOUND']);
const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables/;

interface Classified {
  code: string;
  message: string;
  errors?: unknown;
}

/** Every GraphQL error leaves with `extensions.code` from API.md (or Apollo's APQ code) and without a stack trace. */
export function formatGraphqlError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const { code, message, errors } = classify(formatted, error);
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code,
      ...(OUR_CODES.has(code) ? { status: HTTP_STATUS_OF[code as ErrorCode] } : {}),
      ...(Array.isArray(errors) && errors.length ? { errors } : {}),
    },
  };
}

/** Whether the error is answered as INTERNAL: our fault, to be logged. */
export function isInternalGraphqlError(error: GraphQLError): boolean {
  return classify(error.toJSON(), error).code === 'INTERNAL';
}

function classify(formatted: GraphQLFormattedError, error: unknown): Classified {
  // Nest's exception filter only wraps query, mutation and subscription handlers: what a field resolver or a loader
  // throws arrives here as it was thrown, and is mapped as REST maps it (a DomainError keeps its code, a database data
  // exception is the caller's 400, anything else is INTERNAL).
  const original = (error as { originalError?: unknown } | undefined)?.originalError;
  if (original instanceof DomainError) return fromProblem(original);
  const extensions = formatted.extensions ?? {};
  const raw = typeof extensions.code === 'string' ? extensions.code : undefined;
  if (raw && OUR_CODES.has(raw)) return { code: raw, message: formatted.message, errors: extensions.errors };
  if (raw && PASSED_THROUGH.has(raw)) return { code: raw, message: formatted.message };
  if (raw && FOREIGN_CODES[raw]) return { code: FOREIGN_CODES[raw], message: formatted.message };
  if (original instanceof Error && !(original instanceof GraphQLError)) return fromProblem(original);
  // graphql-js stops coercing variables after 50 errors and says so in one more error, without a code: the caller's too.
  if (TOO_MANY_VARIABLE_ERRORS.test(formatted.message)) return { code: 'VALIDATION_FAILED', message: formatted.message };
  // Apollo refuses some requests without a code but with a 4xx status (an unsupported persisted-query version, a hash
  // that does not match the query): the caller's error, not ours.
  const status = (error as { extensions?: { http?: { status?: unknown } } } | undefined)?.extensions?.http?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return { code: errorCodeForStatus(status), message: formatted.message };
  return internal();
}

function fromProblem(error: Error): Classified {
  const { problem, unexpected } = toProblem(error);
  return unexpected ? internal() : { code: problem.code, message: problem.detail, errors: problem.errors };
}

function internal(): Classified {
  return { code: 'INTERNAL', message: 'An unexpected error occurred' };
}
