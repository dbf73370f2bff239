import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { Clock } from '../../src/common/clock/clock';

const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: object, options: jwt.SignOptions = {}, secret: jwt.Secret = TEST_JWT_SECRET) =>
  jwt.sign({ role: 'customer', exp: now() + 600, ...claims }, secret, { algorithm: 'HS256', ...options });
const me = (t: TestApp, token: string) => request(t.url).get('/v1/me').set('Authorization', `Bearer ${token}`);

describe('JWT authentication (e2e)', () => {
  describe('HS256 with issuer and audience', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ env: { JWT_ISSUER: 'https://product.test', JWT_AUDIENCE: 'tierdesk' } })));
    afterAll(() => t.close());
    const good = (claims: object = {}) => sign({ sub: `u-${randomUUID()}`, iss: 'https://product.test', aud: 'tierdesk', ...claims });

    it('GET /v1/me accepts a valid token and creates the user just in time', async () => {
      const res = await me(t, good({ name: 'Ann', email: 'ann@example.com' })).expect(200);
      expect(res.body).toMatchObject({ role: 'customer', name: 'Ann', email: 'ann@example.com', organizationId: null, tierIds: [] });
      expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // UUIDv7
    });

    it.each([
      ['expired', () => good({ exp: now() - 120 })],
      ['not yet valid', () => good({ nbf: now() + 120 })],
      [
        'signed with another secret',
        () => sign({ sub: 'x', iss: 'https://product.test', aud: 'tierdesk' }, {}, 'another-secret-another-secret-another-secret'),
      ],
      ['from another issuer', () => good({ iss: 'https://evil.test' })],
      ['for another audience', () => good({ aud: 'someone-else' })],
      [
        'without expiry',
        () => jwt.sign({ sub: 'x', iss: 'https://product.test', aud: 'tierdesk' }, TEST_JWT_SECRET, { algorithm: 'HS256' }),
      ],
      ['without sub', () => sign({ iss: 'https://product.test', aud: 'tierdesk' })],
      ['with an unknown role', () => good({ role: 'superuser' })],
      [
        'with alg none',
        () =>
          `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', iss: 'https://product.test', aud: 'tierdesk', exp: now() + 600 })}.`,
      ],
      ['malformed', () => 'not.a.jwt'],
      ['garbage', () => 'Zm9v'],
    ])('a token %s → 401 UNAUTHENTICATED', async (_label, token) => {
      const res = await me(t, token()).expect(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('tolerates a small clock skew (expired 10 s ago is still accepted)', async () => {
      await me(t, good({ exp: now() - 10 })).expect(200);
    });

    it('a malformed Authorization header → 401', async () => {
      await request(t.url).get('/v1/me').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
      await request(t.url).get('/v1/me').set('Authorization', 'Bearer').expect(401);
    });
  });

  describe('verification cache', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ env: { JWT_CLOCK_SKEW_SECONDS: '0' } })));
    afterAll(() => t.close());

    it('a token served from the cache is refused once it expires', async () => {
      const token = sign({ sub: `short-${randomUUID()}`, exp: now() + 2 });
      await me(t, token).expect(200);
      await me(t, token).expect(200); // verified once, then cached
      await t.app.get(Clock).advance(2600); // past exp, without waiting for it
      await me(t, token).expect(401);
    });
  });

  describe('configurable claim names', () => {
    let t: TestApp;
    beforeAll(
      async () =>
        (t = await createTestApp({ env: { JWT_CLAIM_SUB: 'uid', JWT_CLAIM_ROLE: 'https://product.test/role', JWT_CLAIM_ORG: 'tenant' } })),
    );
    afterAll(() => t.close());

    it('reads the subject, role and organization from the configured claims', async () => {
      const uid = `uid-${randomUUID()}`;
      const res = await me(t, sign({ uid, 'https://product.test/role': 'agent', tenant: `acme-${uid}` })).expect(200);
      expect(res.body).toMatchObject({ externalId: uid, role: 'agent', organizationId: expect.any(String) });
      await me(t, sign({ sub: 'no-uid-claim' })).expect(401);
    });
  });

  describe('RS256/ES256 keys from a JWKS served by the test', () => {
    let t: TestApp;
    let jwks: Server;
    const keys: { kid: string; alg: 'RS256' | 'ES256'; privateKey: KeyObject; publicKey: KeyObject }[] = [];
    let fetches = 0;
    const addKey = (alg: 'RS256' | 'ES256') => {
      const pair =
        alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const key = { kid: randomUUID(), alg, ...pair };
      keys.push(key);
      return key;
    };
    const signWith = (key: (typeof keys)[number], claims: object = {}) =>
      jwt.sign({ sub: `jwks-${randomUUID()}`, role: 'agent', exp: now() + 600, ...claims }, key.privateKey, {
        algorithm: key.alg,
        keyid: key.kid,
      });

    beforeAll(async () => {
      addKey('RS256');
      addKey('ES256');
      jwks = createServer((_req, res) => {
        fetches += 1;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ keys: keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' })) }),
        );
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
      t = await createTestApp({ env: { JWT_JWKS_URL: url, JWT_SECRET: '' } });
    });
    afterAll(async () => {
      await t.close();
      jwks.close();
    });

    it('accepts RS256 and ES256 tokens signed by keys in the set', async () => {
      await me(t, signWith(keys[0])).expect(200);
      await me(t, signWith(keys[1])).expect(200);
    });

    it('caches the key set, and refetches it for an unknown kid (key rotation)', async () => {
      await me(t, signWith(keys[0])).expect(200);
      const before = fetches;
      await me(t, signWith(keys[0])).expect(200);
      expect(fetches).toBe(before);
      const rotated = addKey('RS256');
      await me(t, signWith(rotated)).expect(200);
      expect(fetches).toBe(before + 1);
    });

    it('refuses a token signed by a key not in the set, and HS256 tokens when only JWKS is configured', async () => {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = jwt.sign({ sub: 'forger', exp: now() + 600 }, stranger.privateKey, { algorithm: 'RS256', keyid: keys[0].kid });
      await me(t, forged).expect(401);
      await me(t, sign({ sub: 'hs-user' })).expect(401);
    });
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
