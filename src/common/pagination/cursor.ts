import { DomainError } from '../errors/domain-error.js';

export type CursorValue = string | number | boolean | null;

/** Opaque cursor: the keyset values of the last row, base64url-encoded. Clients must not build or parse it. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor for a keyset of `arity` columns; anything else is a 400 naming the field. */
export function decodeCursor(cursor: string, arity: number, field = 'cursor'): CursorValue[] {
  const invalid = () => invalidCursor(field);
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (!Array.isArray(values) || values.length !== arity || !values.every(scalar)) throw invalid();
  return values as CursorValue[];
}

/** The 400 for a cursor this list did not hand out. */
export function invalidCursor(field = 'cursor'): DomainError {
  return DomainError.validation([{ field, message: `${field} is not a cursor returned by this list` }]);
}
