import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { Ticket, toTicket } from '../ticket-core/ticket.model.js';
import { EscalateInput } from './dto/escalate.input.js';
import { Escalation, toEscalation } from './escalation.model.js';
import { EscalationsService } from './escalations.service.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const EscalationList = Paginated(Escalation);

@ApiTags('tickets')
@Controller('tickets')
export class EscalationsController {
  constructor(private readonly escalations: EscalationsService) {}

  @Post(':id/escalate')
  @Roles('agent', 'admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Escalate to a higher tier',
    description:
      "Up to `toTierId`, else the tier's escalationTargetId, else the lowest level above. `handoff` must carry the target tier's requiredHandoff fields. The ticket is re-assigned by the new tier's strategy and its SLA re-evaluated.",
  })
  @Idempotent(toTicket)
  @ApiOkResponse({ type: Ticket })
  async escalate(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Body() input: EscalateInput): Promise<Ticket> {
    return toTicket(await this.escalations.move(actor, id, 'up', input));
  }

  @Post(':id/de-escalate')
  @Roles('agent', 'admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Hand back to a lower tier',
    description: 'Down to `toTierId`, else the tier that escalated it here, else the first line.',
  })
  @Idempotent(toTicket)
  @ApiOkResponse({ type: Ticket })
  async deEscalate(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Body() input: EscalateInput): Promise<Ticket> {
    return toTicket(await this.escalations.move(actor, id, 'down', input));
  }

  @Get(':id/escalations')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Moves between tiers', description: 'Oldest first, with trigger: manual, sla_breach or rule.' })
  @ApiOkResponse({ type: EscalationList })
  async list(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() page: PageArgs) {
    const result = await this.escalations.list(actor, id, page);
    return { data: result.data.map(toEscalation), nextCursor: result.nextCursor };
  }
}
