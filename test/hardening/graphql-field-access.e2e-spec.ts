import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, tokenFor, type TestApp } from '../support/test-app';
import { gql, person, ticket, tier, type Person } from '../support/world';

// Nested GraphQL fields once loaded people, tiers and organizations by id whoever asked: a customer could read the
// assignee's e-mail, external id and role, and the tier, through their own ticket. They follow REST's field rules now.
const PEOPLE = 'id name email role externalId kind active createdAt updatedAt version organizationId';
const TICKET = `query($id: ID!) { ticket(id: $id) {
  assignee { ${PEOPLE} } tier { id name } organization { id }
  requester { ${PEOPLE} organization { id } }
} }`;

interface Named extends Person {
  email: string;
  name: string;
}

describe('Nested GraphQL fields follow the field rules of REST (e2e)', () => {
  let t: TestApp;
  let admin: Person;
  let agent: Named;
  let customer: Named;
  let colleague: Named;
  let support: { id: string; name: string };
  let tk: { id: string };
  let organizationId: string;

  const named = async (role: 'agent' | 'customer', claims: Record<string, unknown> = {}): Promise<Named> => {
    const id = randomUUID();
    const email = `${role}-${id}@example.test`;
    const name = `${role} ${id.slice(0, 8)}`;
    return { ...(await person(t, role, { email, name, ...claims })), email, name };
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await person(t, 'admin');
    agent = await named('agent');
    const org = `org-${randomUUID()}`;
    customer = await named('customer', { org });
    colleague = await named('customer', { org });
    organizationId = (await request(t.url).get('/v1/me').set('Authorization', customer.auth).expect(200)).body.organizationId;
    // Colleagues see each other's tickets: the case where a customer meets another customer.
    await request(t.url)
      .patch(`/v1/organizations/${organizationId}`)
      .set('Authorization', admin.auth)
      .send({ shareTickets: true })
      .expect(200);
    support = await tier(t, admin, 4, [agent]);
    tk = await ticket(t, admin, { requesterId: customer.id, tierId: support.id, assigneeId: agent.id });
  });
  afterAll(() => t.close());

  const nameOnly = (p: Named) => ({
    id: p.id,
    name: p.name,
    email: null,
    role: null,
    externalId: null,
    kind: null,
    active: null,
    createdAt: null,
    updatedAt: null,
    version: null,
    organizationId: null,
  });
  const inFull = (p: Named, role: string) => ({
    id: p.id,
    name: p.name,
    email: p.email,
    role,
    externalId: p.sub,
    kind: 'person',
    active: true,
    version: expect.any(Number),
  });

  it('Query.ticket as its customer: the assignee by name only, no tier, themself and their organization in full', async () => {
    const res = await gql(t, customer, TICKET, { id: tk.id });
    expect(res.body.errors).toBeUndefined();
    const { assignee, tier: tierOf, requester, organization } = res.body.data.ticket;
    expect(assignee).toEqual(nameOnly(agent));
    expect(tierOf).toBeNull();
    expect(requester).toEqual(
      expect.objectContaining({ ...inFull(customer, 'customer'), organizationId, organization: { id: organizationId } }),
    );
    expect(organization).toEqual({ id: organizationId });
    // Nothing of the agent but id and name anywhere in the answer.
    expect(res.text).not.toContain(agent.email);
    expect(res.text).not.toContain(agent.sub);
    expect(res.text).not.toContain(support.name);
  });

  it('Query.ticket as a colleague in the sharing organization: the requester by name only, the shared organization visible', async () => {
    const res = await gql(t, colleague, TICKET, { id: tk.id });
    expect(res.body.errors).toBeUndefined();
    const { assignee, tier: tierOf, requester, organization } = res.body.data.ticket;
    expect(requester).toEqual({ ...nameOnly(customer), organization: null });
    expect(assignee).toEqual(nameOnly(agent));
    expect(tierOf).toBeNull();
    expect(organization).toEqual({ id: organizationId });
    expect(res.text).not.toContain(customer.email);
  });

  it('Query.ticket as an agent: assignee, requester and tier in full', async () => {
    const res = await gql(t, agent, TICKET, { id: tk.id });
    expect(res.body.errors).toBeUndefined();
    const { assignee, tier: tierOf, requester, organization } = res.body.data.ticket;
    expect(assignee).toEqual(expect.objectContaining(inFull(agent, 'agent')));
    expect(tierOf).toEqual({ id: support.id, name: support.name });
    expect(requester).toEqual(expect.objectContaining({ ...inFull(customer, 'customer'), organization: { id: organizationId } }));
    expect(organization).toEqual({ id: organizationId });
  });

  it('Query.tickets as a customer: the same rules for every ticket of the page', async () => {
    const res = await gql(
      t,
      customer,
      '{ tickets(first: 10) { edges { node { id assignee { id name email role externalId } tier { name } requester { id email } } } } }',
    );
    expect(res.body.errors).toBeUndefined();
    const node = res.body.data.tickets.edges.map((e: { node: { id: string } }) => e.node).find((n: { id: string }) => n.id === tk.id);
    expect(node).toEqual({
      id: tk.id,
      assignee: { id: agent.id, name: agent.name, email: null, role: null, externalId: null },
      tier: null,
      requester: { id: customer.id, email: customer.email },
    });
  });

  it('Query.ticket as a customer who moved to another organization: the organization they left is not theirs to read', async () => {
    const mover = await named('customer', { org: `org-${randomUUID()}` });
    const filed = await ticket(t, admin, { requesterId: mover.id, tierId: support.id }); // filed for the first organization
    const moved = `Bearer ${tokenFor(mover.sub, 'customer', { org: `org-${randomUUID()}` })}`;
    const res = await gql(
      t,
      moved,
      'query($id: ID!) { ticket(id: $id) { organizationId organization { id } requester { id organization { id } } } }',
      { id: filed.id },
    );
    expect(res.body.errors).toBeUndefined();
    const { organizationId: filedFor, organization, requester } = res.body.data.ticket;
    expect(filedFor).not.toBeNull();
    expect(organization).toBeNull();
    expect(requester.organization.id).not.toBe(filedFor);
  });
});
