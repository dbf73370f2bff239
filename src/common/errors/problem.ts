import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, type FieldError } from './domain-error.js';
import { errorCodeForStatus, HTTP_STATUS_OF, type ErrorCode } from './error-code.js';

/** RFC 9457 problem details, as every REST error is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors: FieldError[];
  instance?: string;
}

export interface ProblemWithHeaders {
  problem: Problem;
  headers: Record<string, string>;
  /** True when the error is our fault: logged with its stack, never shown to the caller. */
  unexpected: boolean;
}

const TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Validation failed',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  PRECONDITION_FAILED: 'Precondition failed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  INVALID_TRANSITION: 'Invalid transition',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused',
  RATE_LIMITED: 'Too many requests',
  INTERNAL: 'Internal error',
  SERVICE_UNAVAILABLE: 'Service unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

function problemOf(code: ErrorCode, detail: string, errors: FieldError[] = [], status = HTTP_STATUS_OF[code]): Problem {
  return { type: `urn:tierdesk:problem:${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[code], status, detail, code, errors };
}

// Fastify's own request errors (body parsing, limits) carry a code and a status.
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; detail: string; field?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', detail: 'Request body is larger than the limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Unsupported Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'VALIDATION_FAILED', detail: 'Content-Length does not match the body', field: 'body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'VALIDATION_FAILED', detail: 'Body is empty but Content-Type is application/json', field: 'body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'VALIDATION_FAILED', detail: 'Body is not valid JSON', field: 'body' },
  // Multipart uploads (@fastify/multipart limits, set from ATTACHMENT_MAX_BYTES / ATTACHMENT_MAX_FILES).
  FST_REQ_FILE_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', detail: 'A file is larger than ATTACHMENT_MAX_BYTES', field: 'file' },
  FST_FILES_LIMIT: { code: 'PAYLOAD_TOO_LARGE', detail: 'Too many files in one request', field: 'file' },
  FST_PARTS_LIMIT: { code: 'PAYLOAD_TOO_LARGE', detail: 'Too many parts in one request', field: 'file' },
  FST_FIELDS_LIMIT: { code: 'PAYLOAD_TOO_LARGE', detail: 'Too many form fields in one request' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request is not multipart/form-data' },
  FST_MP_PREMATURE_CLOSE: { code: 'VALIDATION_FAILED', detail: 'The upload ended before the multipart body was complete', field: 'file' },
};

interface PgErrorFields {
  code?: string;
  message?: string;
  detail?: string;
  table?: string;
  constraint?: string;
}

/**
 * A foreign key violation. Services check references first; this answers what slips past them (a row deleted between
 * the check and the write). Constraints are named fk_<table>_<column>, which names the field. PostgreSQL 18 reports a
 * delete refused by ON DELETE RESTRICT as 23001; otherwise both directions are 23503, told apart only by the text
 * (English unless lc_messages says otherwise; then this falls back to the 400 form, still naming the field).
 */
function foreignKeyProblem({ code, message = '', detail = '', table = '', constraint = '' }: PgErrorFields): Problem {
  const prefix = `fk_${table}_`;
  const field = table && constraint.startsWith(prefix) ? constraint.slice(prefix.length) : undefined;
  if (code === '23001' || /^update or delete on table/.test(message) || /still referenced/.test(detail)) {
    return problemOf('CONFLICT', field ? `Still in use: ${table}.${field} refers to it` : 'Still in use by other records');
  }
  const parent = /not present in table "([^"]+)"/.exec(detail)?.[1]?.replace(/_/g, ' ') ?? 'record';
  return problemOf(
    'VALIDATION_FAILED',
    'A referenced record does not exist',
    field ? [{ field, message: `${field} is not an existing ${parent}` }] : [],
  );
}

/** Maps anything thrown while serving a request to the problem sent back. One mapping for filters and hooks alike. */
export function toProblem(error: unknown): ProblemWithHeaders {
  if (error instanceof DomainError) {
    return { problem: problemOf(error.code, error.detail, error.errors), headers: error.headers, unexpected: false };
  }
  // Nest wraps Fastify's request errors in an HttpException and keeps the original as the cause.
  const fastifyError = (error instanceof HttpException ? error.cause : error) as { code?: unknown; message?: string } | undefined;
  const known = typeof fastifyError?.code === 'string' ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) {
    const errors = known.field ? [{ field: known.field, message: fastifyError?.message ?? known.detail }] : [];
    return { problem: problemOf(known.code, known.detail, errors), headers: {}, unexpected: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = errorCodeForStatus(status);
    const body = error.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    const detail =
      status >= 500 ? 'An unexpected error occurred' : Array.isArray(message) ? message.join('; ') : String(message ?? error.message);
    return { problem: problemOf(code, detail, [], status), headers: {}, unexpected: status >= 500 };
  }
  if (error instanceof QueryFailedError) {
    const { code, column } = (error.driverError ?? {}) as { code?: string; column?: string };
    if (code === '23505') return { problem: problemOf('CONFLICT', 'The resource already exists'), headers: {}, unexpected: false };
    if (code === '23503' || code === '23001')
      return { problem: foreignKeyProblem(error.driverError as PgErrorFields), headers: {}, unexpected: false };
    // Input that slipped past validation (an explicit null, a malformed id in a GraphQL ID): the caller's 400, not a 500.
    if (code === '23502') {
      const errors = column ? [{ field: column, message: `${column} cannot be null` }] : [];
      return { problem: problemOf('VALIDATION_FAILED', 'A required value is missing', errors), headers: {}, unexpected: false };
    }
    if (code?.startsWith('22'))
      return { problem: problemOf('VALIDATION_FAILED', 'A value is malformed or out of range'), headers: {}, unexpected: false };
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { problem: problemOf(errorCodeForStatus(status), (error as Error).message, [], status), headers: {}, unexpected: false };
  }
  return { problem: problemOf('INTERNAL', 'An unexpected error occurred'), headers: {}, unexpected: true };
}
