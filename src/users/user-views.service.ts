import { Injectable } from '@nestjs/common';
import { isStaff, type Actor } from '../actor/actor.js';
import type { OrganizationEntity } from './organization.entity.js';
import { OrganizationsService } from './organizations.service.js';
import type { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

/** Someone the caller may know only by name: a customer's view of anyone but themself. */
export type PersonName = Pick<UserEntity, 'id' | 'name'>;

/** What the caller may see of a user: all of it, or only who they are. */
export type UserView = UserEntity | PersonName;

/**
 * People and organizations as nested GraphQL fields (a ticket's requester and assignee, a user's organization) read
 * them, a whole batch at a time, with the same field-level rules as REST whoever asks.
 */
@Injectable()
export class UserViewsService {
  constructor(
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
  ) {}

  /** Staff see everyone in full, anyone sees themself in full; a customer sees anyone else as id and display name only. */
  async usersFor(actor: Actor, ids: readonly string[]): Promise<UserView[]> {
    const found = await this.users.findManyByIds(ids);
    return found.map((user) => (isStaff(actor) || user.id === actor.id ? user : { id: user.id, name: user.name }));
  }

  /** As `GET /v1/organizations/{id}`: staff see any organization, a customer only their own. */
  async organizationsFor(actor: Actor, ids: readonly string[]): Promise<OrganizationEntity[]> {
    if (isStaff(actor)) return this.organizations.findManyByIds(ids);
    const own = actor.organizationId;
    return own && ids.includes(own) ? this.organizations.findManyByIds([own]) : [];
  }
}
