import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { Actor } from '../../../src/actor/actor';
import { CurrentActor } from '../../../src/actor/current-actor.decorator';
import { Roles } from '../../../src/actor/roles.decorator';
import { IfMatch } from '../../../src/common/http/etag';
import { CreateProbeInput, ListProbesArgs, UpdateProbeInput } from './probe.dto';
import { ProbeService } from './probe.service';
import { Idempotent } from '../../../src/common/idempotency/api-idempotency-key.decorator';
import { ParseIdPipe } from '../../../src/common/validation/parse-id.pipe';

@Controller('probes')
export class ProbeController {
  constructor(private readonly probes: ProbeService) {}

  @Post()
  @Roles('customer', 'agent', 'admin')
  @Idempotent((probe: object) => probe)
  create(@CurrentActor() actor: Actor, @Body() input: CreateProbeInput) {
    return this.probes.create(actor, input);
  }

  @Post('echo')
  @HttpCode(200)
  @Roles('customer', 'agent', 'admin')
  @Idempotent((echoed: object) => echoed)
  echo(@Body() input: CreateProbeInput) {
    return { echoed: input, at: Date.now() };
  }

  @Get()
  @Roles('customer', 'agent', 'admin')
  list(@CurrentActor() actor: Actor, @Query() args: ListProbesArgs) {
    return this.probes.list(actor, args);
  }

  @Get(':id')
  @Roles('customer', 'agent', 'admin')
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string) {
    return this.probes.findOne(actor, id);
  }

  @Patch(':id')
  @Roles('customer', 'agent', 'admin')
  update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateProbeInput,
    @IfMatch() expected?: number,
  ) {
    return this.probes.update(actor, id, input, expected);
  }

  /** Deliberately without @Roles or @Public: the guard must refuse it (deny by default). */
  @Get('unruled/route')
  unruled() {
    return { leaked: true };
  }

  @Get('boom/route')
  @Roles('customer', 'agent', 'admin')
  boom() {
    throw new Error('secret internal detail');
  }
}
