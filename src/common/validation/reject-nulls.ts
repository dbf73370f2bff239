import { DomainError } from '../errors/domain-error.js';

/**
 * PATCH inputs are partial types, and `@IsOptional()` lets `null` through as well as `undefined`. For fields that
 * cannot be empty, null is the caller's 400 naming the field, not a NOT NULL violation (500) in the database.
 */
export function rejectNulls<T extends object>(input: T, fields: readonly (keyof T & string)[]): void {
  const nulls = fields.filter((field) => input[field] === null);
  if (nulls.length) throw DomainError.validation(nulls.map((field) => ({ field, message: `${field} cannot be null` })));
}
