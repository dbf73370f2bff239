import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { deepJson, RawJson } from './raw-json';

const MB = 1024 * 1024;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A huge value, made once per size: generating megabytes per request would cost more than sending them. */
const huge = (n: number, unit = 'x') => unit.repeat(n);

/** Strings nobody should send: SQL, paths, control and format characters, unicode, numbers, megabytes. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'x',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'undefined',
    'true',
    '[]',
    '{}',
    '💥',
    '\u0000',
    '%00',
    '%',
    '..',
    '../../etc/passwd',
    "' OR 1=1 --",
    "'; DROP TABLE ticket; --",
    '" OR ""="',
    '$1',
    '\\',
    '\\x00',
    '${7*7}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '00000000-0000-0000-0000-00000000000g',
    '\u202e\u0645\u0631\u062d\u0628\u0627',
    'ｆｕｌｌｗｉｄｔｈ',
    'e\u0301',
    '\ud83d',
    '\ufeff',
    '\u2028',
    'a\r\nX-Injected: 1',
    '9223372036854775808',
    '-9223372036854775809',
    '2147483648',
    '1.5',
    '0x10',
    '1_000',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer().map(String),
  fc.constantFrom(1_000, 10_000, 100_000, MB).map((n) => huge(n)),
  fc.constantFrom(300, 5_000).map((n) => huge(n, '😀')),
);

/** Path and argument ids: garbage, SQL, huge strings, unicode and numbers, beside the real ids of the world. */
export function hostileId(validIds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom(...validIds) },
    { weight: 1, arbitrary: fc.constantFrom(...validIds).map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...validIds).map((id) => `${id} `) },
  );
}

/** Cursors: garbage, base64 of garbage and of plausible-but-wrong payloads, overflowing numbers, huge. */
export const hostileCursor: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.string({ maxLength: 60 }).map(b64),
  fc.jsonValue({ maxDepth: 3 }).map(b64),
  fc.constantFrom(
    b64('["2026-01-01T00:00:00.000Z","x"]'),
    b64('[null,null]'),
    b64('[1e309,"a"]'),
    b64('{"t":"9999999999999999999","id":"x"}'),
    b64('{"createdAt":"not a date","id":"00000000-0000-0000-0000-000000000000"}'),
    b64(huge(10_000)),
    b64('[]'),
    b64('{}'),
    b64('["-271821-04-20T00:00:00.000Z","00000000-0000-0000-0000-000000000000"]'),
    `${b64('x')}===`,
    '!!!',
  ),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => b64(n.toString())),
);

/** Numbers where an integer is expected: out of range, fractional, exponent, negative zero, huge. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.5, 1e-300),
);

/** Free-form JSON that should be refused, not crash: depth 1,000+, 10k keys, a megabyte string, and the limits ±1. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1_000, 5_000, 10_000, 100_000).map((n) => deepJson(n)),
  fc.constantFrom(1_000, 10_000).map((n) => deepJson(n, 'array')),
  fc.constantFrom(6, 64, 65).map((n) => deepJson(n)),
  fc.constantFrom(51, 10_000).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  fc.constantFrom(17 * 1024, MB).map((n) => ({ blob: huge(n) })),
  fc.constant({ ['__proto__']: { polluted: true }, constructor: { prototype: { polluted: true } } }),
  fc.jsonValue({ maxDepth: 4 }),
);

/** Any JSON value at all (wrong types for a field). */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, '', [], {}, [null], { '': null }),
  hostileString,
  hostileNumber,
  fc.jsonValue({ maxDepth: 3 }),
  hostileJson,
);

/** Unknown fields a client might add to a body or input. */
export const unknownFields: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'version', 'role', 'requesterId', 'isAdmin', '$where', ''),
    fc.string({ maxLength: 12 }),
  ),
  anyJson,
  { minKeys: 1, maxKeys: 3 },
);

export interface Credentials {
  customer: string;
  agent: string;
  admin: string;
  secret: string;
}

/** The Authorization header: mostly a valid token of one of the three roles, else garbage, expired, alg none, unsigned… */
export function authorization(c: Credentials): fc.Arbitrary<string | undefined> {
  const header = { alg: 'HS256', typ: 'JWT' };
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'fuzz-forged', role: 'admin', iat: now, exp: now + 600 };
  const forged = fc.oneof(
    fc.constant(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`),
    fc.constant(`${b64({ alg: 'none' })}.${b64(claims)}`),
    fc.constant(`${b64(header)}.${b64(claims)}`),
    fc.constant(`${b64(header)}.${b64(claims)}.`),
    fc.constant(jwt.sign(claims, 'not-the-secret-but-long-enough-for-hs256-0123456789', { algorithm: 'HS256' })),
    fc.constant(jwt.sign({ ...claims, exp: now - 3600, iat: now - 7200 }, c.secret, { algorithm: 'HS256' })),
    fc.constant(jwt.sign({ ...claims, nbf: now + 3600 }, c.secret, { algorithm: 'HS256' })),
    fc.constant(`${b64({ alg: 'RS256', kid: '../../../../dev/null' })}.${b64(claims)}.${b64('sig')}`),
    fc.constant(`${b64({ alg: 'HS256', jku: 'http://127.0.0.1:1/keys' })}.${b64(claims)}.${b64('sig')}`),
    // Signed with the right secret but with claims no product issues.
    fc
      .record({
        sub: fc.oneof(hostileString, fc.constantFrom(undefined, null, 0, {}, [] as unknown[])),
        role: fc.oneof(fc.constantFrom('customer', 'agent', 'admin', 'superuser', '', undefined), hostileString, fc.constant(7)),
        email: fc.oneof(hostileString, fc.constant(undefined)),
        name: fc.oneof(hostileString, fc.constant(undefined)),
        org: fc.oneof(hostileString, fc.constantFrom(undefined, null)),
      })
      .map((forgedClaims) =>
        jwt.sign(JSON.parse(JSON.stringify({ ...forgedClaims, iat: now, exp: now + 600 })), c.secret, { algorithm: 'HS256' }),
      ),
  );
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(c.customer, c.agent, c.admin).map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: forged.map((token) => `Bearer ${token}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        hostileString.map((s) => `Bearer ${s}`),
        hostileString,
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'bearer x',
          'Basic YWRtaW46YWRtaW4=',
          `Bearer tdk_${'0'.repeat(40)}`,
          'Bearer tdk_',
          `Bearer ${c.admin} ${c.admin}`,
        ),
        fc.constantFrom(c.customer, c.admin),
      ),
    },
  );
}

export { RawJson };
