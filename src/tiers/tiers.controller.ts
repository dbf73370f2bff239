import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { CreateTierInput, UpdateTierBody } from './dto/tier.input.js';
import { Tier, toTier } from './tier.model.js';
import { TiersService } from './tiers.service.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';

const TierList = Paginated(Tier);

@ApiTags('tiers')
@Controller('tiers')
export class TiersController {
  constructor(private readonly tiers: TiersService) {}

  @Get()
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'List support tiers', description: 'By level, then oldest first; agents and admins.' })
  @ApiOkResponse({ type: TierList })
  async list(@CurrentActor() actor: Actor, @Query() args: PageArgs) {
    const page = await this.tiers.list(actor, args);
    return { data: page.data.map(toTier), nextCursor: page.nextCursor };
  }

  @Post()
  @Roles('admin')
  @Idempotent(toTier)
  @ApiOperation({ summary: 'Create a tier', description: 'Admin only.' })
  @ApiCreatedResponse({ type: Tier })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateTierInput): Promise<Tier> {
    return toTier(await this.tiers.create(actor, input));
  }

  @Get(':id')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Get a tier' })
  @ApiOkResponse({ type: Tier })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<Tier> {
    return toTier(await this.tiers.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a tier', description: 'Admin only. Honours If-Match.' })
  @ApiOkResponse({ type: Tier })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateTierBody,
    @IfMatch() expectedVersion?: number,
  ): Promise<Tier> {
    return toTier(await this.tiers.update(actor, id, input, expectedVersion));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a tier', description: 'Admin only; refused (409) while it holds open tickets.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.tiers.remove(actor, id);
  }

  @Put(':id/members/:userId')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Add an agent to a tier', description: 'Admin only; idempotent.' })
  @ApiNoContentResponse()
  async addMember(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Param('userId', ParseIdPipe) userId: string,
  ): Promise<void> {
    await this.tiers.addMember(actor, id, userId);
  }

  @Delete(':id/members/:userId')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove an agent from a tier', description: 'Admin only; idempotent.' })
  @ApiNoContentResponse()
  async removeMember(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Param('userId', ParseIdPipe) userId: string,
  ): Promise<void> {
    await this.tiers.removeMember(actor, id, userId);
  }
}
