import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { CreateSlaPolicyInput, UpdateSlaPolicyBody } from './dto/sla-policy.input.js';
import { SlaPolicy, toSlaPolicy } from './sla-policy.model.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const SlaPolicyList = Paginated(SlaPolicy);

@ApiTags('sla-policies')
@Controller('sla-policies')
export class SlaPoliciesController {
  constructor(private readonly policies: SlaPoliciesService) {}

  @Get()
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'List SLA policies', description: 'Agents and admins; oldest first.' })
  @ApiOkResponse({ type: SlaPolicyList })
  async list(@CurrentActor() actor: Actor, @Query() args: PageArgs) {
    const page = await this.policies.list(actor, args);
    return { data: page.data.map(toSlaPolicy), nextCursor: page.nextCursor };
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create an SLA policy',
    description: 'Admin only. One policy per priority and tier (or no tier): a second one is 409.',
  })
  @Idempotent(toSlaPolicy)
  @ApiCreatedResponse({ type: SlaPolicy })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateSlaPolicyInput): Promise<SlaPolicy> {
    return toSlaPolicy(await this.policies.create(actor, input));
  }

  @Get(':id')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Get an SLA policy', description: 'Agents and admins.' })
  @ApiOkResponse({ type: SlaPolicy })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<SlaPolicy> {
    return toSlaPolicy(await this.policies.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change an SLA policy', description: 'Admin only. Honours If-Match.' })
  @ApiOkResponse({ type: SlaPolicy })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateSlaPolicyBody,
    @IfMatch() expectedVersion?: number,
  ): Promise<SlaPolicy> {
    return toSlaPolicy(await this.policies.update(actor, id, input, expectedVersion));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an SLA policy', description: 'Admin only.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.policies.remove(actor, id);
  }
}
