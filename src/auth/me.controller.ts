import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from './actor.js';
import { CurrentActor } from './current-actor.decorator.js';
import { Caller } from './caller.model.js';
import { Roles } from './roles.decorator.js';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  /** The authenticated caller. */
  @Get()
  @Roles('customer', 'agent', 'admin')
  @ApiOkResponse({ type: Caller })
  me(@CurrentActor() actor: Actor): Caller {
    return Caller.of(actor);
  }
}
