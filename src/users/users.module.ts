import { Module, type OnModuleInit } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { LoaderRegistry } from '../common/graphql/loader.registry.js';
import { loaderById } from '../common/graphql/loaders.js';
import { Organization, toOrganization } from './organization.model.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsResolver } from './organizations.resolver.js';
import { OrganizationsService } from './organizations.service.js';
import { toUser, User } from './user.model.js';
import { UsersController } from './users.controller.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

declare module '../common/graphql/loader.registry.js' {
  interface Loaders {
    userById: DataLoader<string, User | null>;
    organizationById: DataLoader<string, Organization | null>;
  }
}

@Module({
  controllers: [UsersController, OrganizationsController],
  providers: [UsersService, OrganizationsService, UsersResolver, OrganizationsResolver],
  exports: [UsersService, OrganizationsService],
})
export class UsersModule implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderRegistry,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
  ) {}

  onModuleInit(): void {
    this.loaders.register('userById', () => loaderById(async (ids) => (await this.users.findManyByIds(ids)).map(toUser)));
    this.loaders.register('organizationById', () => loaderById(async (ids) => (await this.organizations.findManyByIds(ids)).map(toOrganization)));
  }
}
