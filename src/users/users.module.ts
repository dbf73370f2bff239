import { Module, type OnModuleInit } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { LoaderRegistry } from '../common/graphql/loader.registry.js';
import { loaderById } from '../common/graphql/loaders.js';
import { Organization, toOrganization } from './organization.model.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsResolver } from './organizations.resolver.js';
import { OrganizationsService } from './organizations.service.js';
import { toUserView, User } from './user.model.js';
import { UserViewsService } from './user-views.service.js';
import { UsersController } from './users.controller.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';
import { EmailIdentities } from './email-identities.js';

declare module '../common/graphql/loader.registry.js' {
  interface Loaders {
    /** A user as the request's actor may see them. */
    userView: DataLoader<string, User | null>;
    /** An organization the request's actor may see; null otherwise. */
    organizationView: DataLoader<string, Organization | null>;
  }
}

@Module({
  controllers: [UsersController, OrganizationsController],
  providers: [UsersService, OrganizationsService, UserViewsService, UsersResolver, OrganizationsResolver, EmailIdentities],
  exports: [UsersService, OrganizationsService, EmailIdentities],
})
export class UsersModule implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderRegistry,
    private readonly views: UserViewsService,
  ) {}

  onModuleInit(): void {
    this.loaders.register('userView', (actor) => loaderById(async (ids) => (await this.views.usersFor(actor(), ids)).map(toUserView)));
    this.loaders.register('organizationView', (actor) =>
      loaderById(async (ids) => (await this.views.organizationsFor(actor(), ids)).map(toOrganization)),
    );
  }
}
