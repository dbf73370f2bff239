export const ROLES = ['customer', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The roles as an enum-like object, for GraphQL and OpenAPI. */
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };

/** The authenticated caller, passed first to every service method. */
export interface Actor {
  /** Stable id of the caller (the JWT `sub` for now). */
  id: string;
  role: Role;
  email: string | null;
  name: string | null;
  /** Organization key from the `org` claim. */
  org: string | null;
  /** Key space for per-caller state such as Idempotency-Key. */
  scope: string;
}
