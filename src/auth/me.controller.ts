import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TiersService } from '../tiers/tiers.service.js';
import type { Actor } from '../actor/actor.js';
import { Caller } from './caller.model.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';

@ApiTags('identity')
@Controller('me')
export class MeController {
  constructor(private readonly tiers: TiersService) {}

  @Get()
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: 'The authenticated caller', description: 'Created on the first request of a new token subject.' })
  @ApiOkResponse({ type: Caller })
  async me(@CurrentActor() actor: Actor): Promise<Caller> {
    return Caller.of(actor, await this.tiers.tierIdsOf(actor.id));
  }
}
