import { parseValue } from 'graphql';
import { JSONObjectScalar } from '../graphql/json.scalar';
import { documentNesting, jsonFieldViolation, pathBeyondDepth } from './json-limits';

const nested = (levels: number): unknown => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

describe('pathBeyondDepth', () => {
  it('names the keys down to the first level past the limit, arrays by index', () => {
    expect(pathBeyondDepth({ x: 1, y: [{ z: { deeper: {} } }] }, 3)).toEqual(['y', 0, 'z']);
    expect(pathBeyondDepth({ x: 1, y: [{ z: 1 }] }, 3)).toBeNull();
    expect(pathBeyondDepth('text', 0)).toBeNull();
  });

  it('walks 100,000 levels without recursion', () => {
    expect(pathBeyondDepth(nested(100_000), 64)).toHaveLength(64);
  });
});

describe('jsonFieldViolation', () => {
  it('keeps a value within every limit', () => {
    expect(
      jsonFieldViolation(
        { a: nested(4), list: [1, 'x', null], ...Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, i])) },
        'customFields',
      ),
    ).toBeNull();
  });

  it('names the field and the limit it breaks', () => {
    expect(jsonFieldViolation(nested(6), 'customFields')).toBe('customFields may be nested at most 5 levels deep');
    expect(jsonFieldViolation({ a: [[[[[]]]]] }, 'customFields')).toBe('customFields may be nested at most 5 levels deep');
    expect(jsonFieldViolation({ a: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, 'meta')).toBe(
      'meta may have at most 50 keys in any one object',
    );
    expect(jsonFieldViolation({ blob: 'é'.repeat(8192) }, 'customFields')).toBe('customFields may be at most 16384 bytes as JSON');
    expect(jsonFieldViolation([], 'customFields')).toBe('customFields must be a JSON object');
    expect(jsonFieldViolation(null, 'customFields')).toBe('customFields must be a JSON object');
  });

  it('refuses 10,000 levels without walking them recursively', () => {
    expect(jsonFieldViolation(nested(10_000), 'customFields')).toMatch(/5 levels/);
  });
});

describe('JSONObjectScalar', () => {
  const literal = (text: string) => JSONObjectScalar.parseLiteral(parseValue(text));

  it('reads an inline literal as plain JSON', () => {
    expect(literal('{ a: 1, b: "x", c: [true, null, 1.5, { d: [] }] }')).toEqual({ a: 1, b: 'x', c: [true, null, 1.5, { d: [] }] });
  });

  it('keeps a key named __proto__ as data', () => {
    const value = literal('{ __proto__: { polluted: true } }') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a literal past 64 levels, and reads 64', () => {
    const deep = (levels: number) => `${'{ a: '.repeat(levels)}1${' }'.repeat(levels)}`;
    expect(literal(deep(64))).toEqual(nested(64));
    expect(() => literal(deep(65))).toThrow('JSONObject may be nested at most 64 levels deep');
  });

  it('refuses what is not an object, and variables inside a literal', () => {
    expect(() => literal('[1]')).toThrow('JSONObject must be an object');
    expect(() => literal('{ a: $v }')).toThrow('JSONObject cannot represent Variable');
  });
});

describe('documentNesting', () => {
  it('counts the deepest brackets of a GraphQL document, skipping strings, block strings and comments', () => {
    expect(documentNesting('{ me { id } }')).toBe(2);
    expect(documentNesting('query($a: [ID!]) { t(ids: [[1]]) { x } }')).toBe(4);
    expect(documentNesting('{ a(s: "{{{{[[[(") b(s: """ {{{ \\""" [[[ """) # {{{{\n }')).toBe(2);
    expect(documentNesting(`{ a(v: ${'['.repeat(100_000)}${']'.repeat(100_000)}) }`)).toBe(100_002);
  });
});
