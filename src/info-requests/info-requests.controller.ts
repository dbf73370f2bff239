import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { CreateInfoRequestInput, InfoResponseInput } from './dto/info-request.inputs.js';
import { InfoRequest, toInfoRequest } from './info-request.model.js';
import { InfoRequestsService } from './info-requests.service.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const InfoRequestList = Paginated(InfoRequest);

@ApiTags('tickets')
@Controller('tickets/:id/info-requests')
export class InfoRequestsController {
  constructor(private readonly requests: InfoRequestsService) {}

  @Post()
  @Roles('agent', 'admin')
  @ApiOperation({
    summary: 'Ask the customer for what is missing',
    description: 'Posts `message` publicly, moves the ticket to pending (SLA paused, reason info_request).',
  })
  @Idempotent(toInfoRequest)
  @ApiCreatedResponse({ type: InfoRequest })
  async create(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: CreateInfoRequestInput,
  ): Promise<InfoRequest> {
    return toInfoRequest(await this.requests.create(actor, id, input));
  }

  @Get()
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: "A ticket's information requests", description: 'Oldest first, with each item and its answer.' })
  @ApiOkResponse({ type: InfoRequestList })
  async list(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() page: PageArgs) {
    const result = await this.requests.list(actor, id, page);
    return { data: result.data.map(toInfoRequest), nextCursor: result.nextCursor };
  }

  @Post(':requestId/responses')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({
    summary: 'Answer one item',
    description: 'Text, or your uploads of the right kind (a log item refuses an image). The last required answer reopens the ticket.',
  })
  @Idempotent(toInfoRequest)
  @ApiCreatedResponse({ type: InfoRequest })
  async respond(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Param('requestId', ParseIdPipe) requestId: string,
    @Body() input: InfoResponseInput,
  ): Promise<InfoRequest> {
    return toInfoRequest(await this.requests.respond(actor, id, requestId, input));
  }
}
