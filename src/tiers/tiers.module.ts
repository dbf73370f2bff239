import { Module, type OnModuleInit } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { LoaderRegistry } from '../common/graphql/loader.registry.js';
import { loaderById } from '../common/graphql/loaders.js';
import { Tier, toTier } from './tier.model.js';
import { TiersController } from './tiers.controller.js';
import { TiersResolver } from './tiers.resolver.js';
import { TierViewsService } from './tier-views.service.js';
import { TiersService } from './tiers.service.js';

declare module '../common/graphql/loader.registry.js' {
  interface Loaders {
    /** A tier, for staff; null for customers. */
    tierView: DataLoader<string, Tier | null>;
  }
}

@Module({ controllers: [TiersController], providers: [TiersService, TierViewsService, TiersResolver], exports: [TiersService] })
export class TiersModule implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderRegistry,
    private readonly views: TierViewsService,
  ) {}

  onModuleInit(): void {
    this.loaders.register('tierView', (actor) => loaderById(async (ids) => (await this.views.tiersFor(actor(), ids)).map(toTier)));
  }
}
