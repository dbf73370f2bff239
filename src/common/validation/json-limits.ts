/** Limits of every free-form JSON input (`customFields`): refused with 400 VALIDATION_FAILED naming the field. */
export const JSON_FIELD_LIMITS = {
  /** Levels of objects and arrays; the field's own object is level 1. */
  maxDepth: 5,
  /** Keys of any one object in it. */
  maxKeys: 50,
  /** Bytes of its UTF-8 JSON encoding. */
  maxBytes: 16 * 1024,
} as const;

/** Levels any JSON request body may have, far above every field's own limit: deeper is refused before anything walks it. */
export const MAX_BODY_DEPTH = 64;

/** Where a JSON value goes past `maxDepth`, as the keys and indexes down to it; null when it stays within. Iterative. */
export function pathBeyondDepth(value: unknown, maxDepth: number): (string | number)[] | null {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: value, path: [] }];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object' || Buffer.isBuffer(node)) continue;
    if (path.length >= maxDepth) return path;
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) if (child !== null && typeof child === 'object') stack.push({ node: child, path: [...path, key] });
  }
  return null;
}

/** The first limit a free-form JSON value breaks, as a message about `field`; null when it keeps them all. */
export function jsonFieldViolation(value: unknown, field: string): string | null {
  const { maxDepth, maxKeys, maxBytes } = JSON_FIELD_LIMITS;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${field} must be a JSON object`;
  // Depth first and without recursion: only a bounded value is ever handed to JSON.stringify below.
  if (pathBeyondDepth(value, maxDepth)) return `${field} may be nested at most ${maxDepth} levels deep`;
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node) && children.length > maxKeys) return `${field} may have at most ${maxKeys} keys in any one object`;
    for (const child of children) stack.push(child);
  }
  if (Buffer.byteLength(JSON.stringify(value)) > maxBytes) return `${field} may be at most ${maxBytes} bytes as JSON`;
  return null;
}

/** How the limits read in the contracts (OpenAPI and GraphQL descriptions). */
export const BOUNDED_JSON_DESCRIPTION =
  `Free-form JSON object: at most ${JSON_FIELD_LIMITS.maxDepth} levels deep, ${JSON_FIELD_LIMITS.maxKeys} keys in any one object, ` +
  `${JSON_FIELD_LIMITS.maxBytes / 1024} KiB as JSON`;

/** Brackets a GraphQL document may nest (selections, arguments, list and object literals): room for every real query. */
export const MAX_DOCUMENT_NESTING = 128;

/**
 * How deep a GraphQL document's brackets nest, read iteratively before anything parses it: graphql-js's parser recurses
 * once per level and overflowed the stack on a deep inline literal. Strings, block strings and comments are skipped.
 */
export function documentNesting(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        i += 3;
        while (i < text.length && !(text.startsWith('"""', i) && text[i - 1] !== '\\')) i++;
        i += 2;
      } else {
        for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      max = Math.max(max, ++depth);
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return max;
}
