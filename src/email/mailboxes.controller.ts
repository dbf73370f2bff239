import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { CreateMailboxInput, UpdateMailboxInput } from './dto/mailbox.inputs.js';
import { Mailbox, MailboxMessage, toMailbox, toMailboxMessage } from './mailbox.model.js';
import { MailboxesService } from './mailboxes.service.js';

const MailboxList = Paginated(Mailbox);
const MailboxMessageList = Paginated(MailboxMessage);

@ApiTags('mailboxes')
@Controller('mailboxes')
export class MailboxesController {
  constructor(private readonly mailboxes: MailboxesService) {}

  @Post()
  @Roles('admin')
  @Idempotent(toMailbox)
  @ApiOperation({ summary: 'Create a mailbox', description: 'Admin only. Passwords are write-only: stored encrypted, never returned.' })
  @ApiCreatedResponse({ type: Mailbox })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateMailboxInput): Promise<Mailbox> {
    return toMailbox(await this.mailboxes.create(actor, input));
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List mailboxes', description: 'Admin only; oldest first.' })
  @ApiOkResponse({ type: MailboxList })
  async list(@CurrentActor() actor: Actor, @Query() args: PageArgs) {
    const page = await this.mailboxes.list(actor, args);
    return { data: page.data.map(toMailbox), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Get a mailbox', description: 'Admin only.' })
  @ApiOkResponse({ type: Mailbox })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<Mailbox> {
    return toMailbox(await this.mailboxes.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a mailbox', description: 'Admin only. Honours If-Match. An omitted password keeps the stored one.' })
  @ApiOkResponse({ type: Mailbox })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateMailboxInput,
    @IfMatch() expectedVersion?: number,
  ): Promise<Mailbox> {
    return toMailbox(await this.mailboxes.update(actor, id, input, expectedVersion));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a mailbox', description: 'Admin only; its import log goes with it, its tickets stay.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.mailboxes.remove(actor, id);
  }

  @Post(':id/check')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @Idempotent(toMailbox)
  @ApiOperation({ summary: 'Fetch new mail now', description: 'Admin only. Schedules a check of an IMAP mailbox and answers at once.' })
  @ApiAcceptedResponse({ type: Mailbox })
  async check(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<Mailbox> {
    return toMailbox(await this.mailboxes.check(actor, id));
  }

  @Get(':id/messages')
  @Roles('admin')
  @ApiOperation({
    summary: "A mailbox's import log",
    description: 'Admin only; oldest first: what each message became, or why it was dropped.',
  })
  @ApiOkResponse({ type: MailboxMessageList })
  async messages(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() args: PageArgs) {
    const page = await this.mailboxes.messages(actor, id, args);
    return { data: page.data.map(toMailboxMessage), nextCursor: page.nextCursor };
  }
}
