import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../src/actor/actor';
import { tokenFor, type TestApp } from './test-app';

export interface Person {
  id: string;
  sub: string;
  role: Role;
  auth: string;
}

/** A signed-in person: a fresh subject, created just in time through GET /v1/me. */
export async function person(t: TestApp, role: Role, claims: Record<string, unknown> = {}): Promise<Person> {
  const sub = `${role}-${randomUUID()}`;
  const auth = `Bearer ${tokenFor(sub, role, claims)}`;
  const res = await request(t.url).get('/v1/me').set('Authorization', auth).expect(200);
  return { id: res.body.id, sub, role, auth };
}

/** Tiers for a test, each with unique names; level 1 first. Members are added by id. */
export async function tier(t: TestApp, admin: Person, level: number, members: Person[] = [], extra: Record<string, unknown> = {}) {
  const res = await request(t.url)
    .post('/v1/tiers')
    .set('Authorization', admin.auth)
    .send({ name: `L${level}-${randomUUID()}`, level, ...extra })
    .expect(201);
  for (const member of members)
    await request(t.url).put(`/v1/tiers/${res.body.id}/members/${member.id}`).set('Authorization', admin.auth).expect(204);
  return res.body as { id: string; level: number; name: string };
}

export async function ticket(t: TestApp, as: Person, body: Record<string, unknown> = {}) {
  const res = await request(t.url)
    .post('/v1/tickets')
    .set('Authorization', as.auth)
    .send({ subject: 'Printer is failing', description: 'It prints nothing', ...body });
  if (res.status !== 201) throw new Error(`create ticket: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; number: number; status: string; version: number; tierId: string };
}

export function gql(t: TestApp, as: Person | string, query: string, variables: Record<string, unknown> = {}) {
  return request(t.url)
    .post('/graphql')
    .set('Authorization', typeof as === 'string' ? as : as.auth)
    .send({ query, variables });
}
