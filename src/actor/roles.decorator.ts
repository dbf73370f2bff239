import { SetMetadata } from '@nestjs/common';
import type { Role } from './actor.js';

export const ROLES_KEY = 'tierdesk:roles';
export const PUBLIC_KEY = 'tierdesk:public';

/** Who may call this route or resolver. Every handler needs @Roles or @Public: the guard denies the rest. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No credential needed (health, docs, public knowledge base). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
