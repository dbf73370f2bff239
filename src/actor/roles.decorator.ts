import { SetMetadata } from '@nestjs/common';
import type { Role } from './actor.js';

export const ROLES_KEY = 'tierdesk:roles';
export const PUBLIC_KEY = 'tierdesk:public';

/** Who may call this route or resolver. Every handler needs @Roles or @Public: the guard denies the rest. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No credential needed (health, docs); a credential sent is not even read. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Anyone may call, signed in or not (the public knowledge base): a valid credential makes the caller known to the
 * handler (`@OptionalActor()`), a bad one is still 401, and no credential at all is an anonymous caller.
 */
export const AnyCaller = () => SetMetadata(PUBLIC_KEY, 'any-caller');
