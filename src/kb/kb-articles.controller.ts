import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor, OptionalActor } from '../actor/current-actor.decorator.js';
import { AnyCaller, Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { Ticket, toTicket } from '../ticket-core/ticket.model.js';
import { CreateKbArticleInput, KbFeedbackInput, ListKbArticlesArgs, UpdateKbArticleBody } from './dto/kb.inputs.js';
import { KbArticlesService } from './kb-articles.service.js';
import { KbUsageService } from './kb-usage.service.js';
import { KbArticle, KbFeedback, toKbArticle, toKbFeedback } from './kb.models.js';

const KbArticleList = Paginated(KbArticle);
const KbTicketList = Paginated(Ticket);

@ApiTags('knowledge base')
@Controller('kb/articles')
export class KbArticlesController {
  constructor(
    private readonly articles: KbArticlesService,
    private readonly usage: KbUsageService,
  ) {}

  @Get()
  @AnyCaller()
  @ApiOperation({
    summary: 'List articles',
    description: 'Anyone, no token needed: customers and anonymous readers get published articles only. Newest first.',
  })
  @ApiOkResponse({ type: KbArticleList })
  async list(@OptionalActor() reader: Actor | null, @Query() args: ListKbArticlesArgs) {
    const { limit, cursor, ...filter } = args;
    const page = await this.articles.list(reader, filter, { limit, cursor });
    return { data: page.data.map(toKbArticle), nextCursor: page.nextCursor };
  }

  @Post()
  @Roles('agent', 'admin')
  @Idempotent(toKbArticle)
  @ApiOperation({
    summary: 'Write an article',
    description: 'Agents and admins; a draft unless a publisher (KB_PUBLISH_ROLES) sets `status: published`.',
  })
  @ApiCreatedResponse({ type: KbArticle })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateKbArticleInput): Promise<KbArticle> {
    return toKbArticle(await this.articles.create(actor, input));
  }

  @Get(':id')
  @AnyCaller()
  @ApiOperation({
    summary: 'Read an article',
    description: 'Drafts are 404 for customers and anonymous readers, whose reads count as views.',
  })
  @ApiOkResponse({ type: KbArticle })
  async get(@OptionalActor() reader: Actor | null, @Param('id', ParseIdPipe) id: string): Promise<KbArticle> {
    return toKbArticle(await this.articles.findOne(reader, id));
  }

  @Patch(':id')
  @Roles('agent', 'admin')
  @ApiOperation({
    summary: 'Change an article',
    description: 'Agents edit drafts; publishing, unpublishing and editing a published article need KB_PUBLISH_ROLES. Honours If-Match.',
  })
  @ApiOkResponse({ type: KbArticle })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateKbArticleBody,
    @IfMatch() expectedVersion?: number,
  ): Promise<KbArticle> {
    return toKbArticle(await this.articles.update(actor, id, input, expectedVersion));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an article', description: 'Admin only; refused (409) once linked on tickets: unpublish it instead.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.articles.remove(actor, id);
  }

  @Post(':id/feedback')
  @AnyCaller()
  @Idempotent(toKbFeedback)
  @ApiOperation({
    summary: 'Say whether an article helped',
    description: 'Anyone who can read it. One vote per signed-in reader (a second replaces the first); counted on the article.',
  })
  @ApiCreatedResponse({ type: KbFeedback })
  async feedback(
    @OptionalActor() reader: Actor | null,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: KbFeedbackInput,
  ): Promise<KbFeedback> {
    return toKbFeedback(await this.usage.feedback(reader, id, input));
  }

  @Get(':id/tickets')
  @Roles('agent', 'admin')
  @ApiOperation({
    summary: 'Tickets an article was linked on',
    description: 'Agents and admins; among the tickets they can see, newest first.',
  })
  @ApiOkResponse({ type: KbTicketList })
  async tickets(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() args: PageArgs) {
    const page = await this.usage.ticketsUsing(actor, id, args);
    return { data: page.data.map(toTicket), nextCursor: page.nextCursor };
  }
}
