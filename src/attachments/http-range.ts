import type { ByteRange } from './storage/attachment-storage.js';

/**
 * One `Range: bytes=…` range against a resource of `size` bytes (RFC 9110 §14.1.2): `a-b`, `a-`, or the suffix `-n`.
 * Anything else (several ranges, other units, unsatisfiable) → null, and the whole representation is sent (allowed by
 * the RFC, and simpler for clients than 416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || size === 0 || (match[1] === '' && match[2] === '')) return null;
  const [first, last] = [match[1], match[2]];
  if (first === '') {
    const suffix = Number(last);
    return suffix > 0 ? { start: Math.max(0, size - suffix), end: size - 1 } : null;
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return start < size && start <= end ? { start, end } : null;
}
