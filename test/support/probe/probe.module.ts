import { Module, type OnModuleInit } from '@nestjs/common';
import DataLoader from 'dataloader';
import { LoaderRegistry } from '../../../src/common/graphql/loader.registry';
import { ProbeController } from './probe.controller';
import { ProbeEntity } from './probe.entity';
import { ProbeResolver } from './probe.resolver';
import { ProbeService } from './probe.service';

@Module({ controllers: [ProbeController], providers: [ProbeService, ProbeResolver] })
export class ProbeModule implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderRegistry,
    private readonly probes: ProbeService,
  ) {}

  onModuleInit(): void {
    this.loaders.register('probeOwnerName', () => new DataLoader((ids: readonly string[]) => this.probes.ownersByIds(ids)));
  }
}

export const probeFixture = { imports: [ProbeModule], entities: [ProbeEntity] };
