import type { ErrorCode } from './error-code.js';

export interface FieldError {
  field: string;
  message: string;
}

/** A business-rule failure thrown by services; mapped to problem+json (REST) or extensions.code (GraphQL) in one place. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Extra response headers, e.g. Retry-After for RATE_LIMITED. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
  }

  static validation(errors: FieldError[]): DomainError {
    const fields = [...new Set(errors.map((e) => e.field))].join(', ');
    return new DomainError('VALIDATION_FAILED', `Invalid input: ${fields}`, errors);
  }

  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} not found`);
  }
}
