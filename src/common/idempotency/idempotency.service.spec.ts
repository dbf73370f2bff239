import { canonicalJson, IdempotencyService } from './idempotency.service';

describe('canonicalJson', () => {
  it('is independent of object key order, at every depth', () => {
    const a = { name: 'x', rank: 1, labels: [{ text: 'a', extra: { b: 2, a: 1 } }], meta: { z: null, y: true } };
    const b = { meta: { y: true, z: null }, labels: [{ extra: { a: 1, b: 2 }, text: 'a' }], rank: 1, name: 'x' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"labels":[{"extra":{"a":1,"b":2},"text":"a"}],"meta":{"y":true,"z":null},"name":"x","rank":1}');
  });

  it('keeps array order, and tells values and types apart', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ rank: 1 })).not.toBe(canonicalJson({ rank: '1' }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson({ 'a":1,"b': 2 })).not.toBe(canonicalJson({ a: 1, b: 2 })); // keys are escaped, not spliced
  });

  it('writes scalars and an absent body as JSON', () => {
    expect([canonicalJson('x'), canonicalJson(1.5), canonicalJson(false), canonicalJson(null), canonicalJson(undefined)]).toEqual([
      '"x"',
      '1.5',
      'false',
      'null',
      'null',
    ]);
  });
});

describe('IdempotencyService.fingerprint', () => {
  it('is the same for the same request with its body keys reordered, and differs by method, path or body', () => {
    const base = IdempotencyService.fingerprint('POST', '/v1/probes', { name: 'x', rank: 1 });
    expect(IdempotencyService.fingerprint('POST', '/v1/probes', { rank: 1, name: 'x' })).toBe(base);
    expect(IdempotencyService.fingerprint('POST', '/v1/probes/echo', { name: 'x', rank: 1 })).not.toBe(base);
    expect(IdempotencyService.fingerprint('PUT', '/v1/probes', { name: 'x', rank: 1 })).not.toBe(base);
    expect(IdempotencyService.fingerprint('POST', '/v1/probes', { name: 'x', rank: 2 })).not.toBe(base);
  });
});
