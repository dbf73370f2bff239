import { DomainError } from '../common/errors/domain-error.js';
import type { CarriesUnitOfWork } from '../database/unit-of-work.js';

export const ROLES = ['customer', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The roles as an enum-like object, for GraphQL and OpenAPI. */
export const RoleEnum = { customer: 'customer', agent: 'agent', admin: 'admin' } as const satisfies Record<Role, Role>;

/** The authenticated caller, passed first to every service method. */
export interface Actor extends CarriesUnitOfWork {
  /** Tierdesk's id of the user (for an API key: its service identity). */
  id: string;
  /** The id in the host product (JWT `sub`), or `apikey:<id>`. */
  externalId: string;
  role: Role;
  email: string | null;
  name: string | null;
  organizationId: string | null;
  /** Set when the caller authenticated with an API key. */
  apiKeyId: string | null;
  /** Key space for per-caller state such as Idempotency-Key. */
  scope: string;
  /**
   * What ticket visibility depends on, read in the same statement as the user when a request authenticates (one round
   * trip instead of three per request). A snapshot for that one request or operation; absent, it is read when needed.
   */
  access?: AccessFacts;
  /** When the credential stops being valid (ms since the epoch): a token's `exp`, an API key's `expiresAt`. */
  expiresAt?: number;
}

export interface AccessFacts {
  tierIds: string[];
  organizationSharesTickets: boolean;
}

/** Service-level role rule: the same answer whichever transport (REST, GraphQL, jobs) calls the service. */
export function assertRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) throw new DomainError('FORBIDDEN', 'Your role may not do this');
}

export const isStaff = (actor: Actor): boolean => actor.role === 'agent' || actor.role === 'admin';
