/**
 * A JSON value kept as its text: deep structures are sent as text because the client's own JSON.stringify overflows its
 * stack long before the server should. `toJson` splices it into the surrounding value's encoding.
 */
export class RawJson {
  static readonly mark = '\u0000raw-json\u0000';
  constructor(
    readonly text: string,
    /** How it reads in a report: the text of a 1 MB body is not. */
    readonly label: string,
  ) {}

  /** The same value as an inline GraphQL literal (only for the shapes `deepJson` makes). */
  literal(): string {
    return this.text.replace(/"(\w+)":/g, '$1: ');
  }
}

/** `value` encoded as JSON, each RawJson in it spliced in as its text. */
export function toJson(value: unknown): string {
  const raws: RawJson[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? (raws.push(v), RawJson.mark) : v));
  if (!raws.length) return text;
  return text.split(JSON.stringify(RawJson.mark)).reduce((out, piece, i) => out + raws[i - 1].text + piece);
}

/** `levels` nested objects (or arrays) around a leaf, as JSON text. */
export function deepJson(levels: number, kind: 'object' | 'array' = 'object'): RawJson {
  const text = kind === 'object' ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  return new RawJson(text, `<${levels} nested ${kind}s>`);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with lone surrogates replaced (URLs, headers and form fields cannot carry them). */
export const wellFormed = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD');
