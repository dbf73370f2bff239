import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { CreateRoutingRuleInput, UpdateRoutingRuleBody } from './dto/routing-rule.input.js';
import { RoutingRule, toRoutingRule } from './routing-rule.model.js';
import { RoutingRulesService } from './routing-rules.service.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const RoutingRuleList = Paginated(RoutingRule);

@ApiTags('routing-rules')
@Controller('routing-rules')
export class RoutingRulesController {
  constructor(private readonly rules: RoutingRulesService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List routing rules', description: 'Admin only. In the order they are tried: position, then age.' })
  @ApiOkResponse({ type: RoutingRuleList })
  async list(@CurrentActor() actor: Actor, @Query() args: PageArgs) {
    const page = await this.rules.list(actor, args);
    return { data: page.data.map(toRoutingRule), nextCursor: page.nextCursor };
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a routing rule',
    description: 'Admin only. New tickets go to the tier of the first active rule they match.',
  })
  @Idempotent(toRoutingRule)
  @ApiCreatedResponse({ type: RoutingRule })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateRoutingRuleInput): Promise<RoutingRule> {
    return toRoutingRule(await this.rules.create(actor, input));
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Get a routing rule', description: 'Admin only.' })
  @ApiOkResponse({ type: RoutingRule })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<RoutingRule> {
    return toRoutingRule(await this.rules.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a routing rule',
    description: 'Admin only. Honours If-Match. In `conditions`, each given list replaces its list.',
  })
  @ApiOkResponse({ type: RoutingRule })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateRoutingRuleBody,
    @IfMatch() expectedVersion?: number,
  ): Promise<RoutingRule> {
    return toRoutingRule(await this.rules.update(actor, id, input, expectedVersion));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a routing rule', description: 'Admin only.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.rules.remove(actor, id);
  }
}
