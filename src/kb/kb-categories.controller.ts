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
import { CreateKbCategoryInput, UpdateKbCategoryBody } from './dto/kb.inputs.js';
import { KbCategoriesService } from './kb-categories.service.js';
import { KbCategory, toKbCategory } from './kb.models.js';

const KbCategoryList = Paginated(KbCategory);

@ApiTags('knowledge base')
@Controller('kb/categories')
export class KbCategoriesController {
  constructor(private readonly categories: KbCategoriesService) {}

  @Get()
  @AnyCaller()
  @ApiOperation({ summary: 'List knowledge-base categories', description: 'Anyone, no token needed. By position.' })
  @ApiOkResponse({ type: KbCategoryList })
  async list(@OptionalActor() reader: Actor | null, @Query() args: PageArgs) {
    const page = await this.categories.list(reader, args);
    return { data: page.data.map(toKbCategory), nextCursor: page.nextCursor };
  }

  @Post()
  @Roles('admin')
  @Idempotent(toKbCategory)
  @ApiOperation({ summary: 'Create a category', description: 'Admin only; `parentId` nests it under a top-level one.' })
  @ApiCreatedResponse({ type: KbCategory })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateKbCategoryInput): Promise<KbCategory> {
    return toKbCategory(await this.categories.create(actor, input));
  }

  @Get(':id')
  @AnyCaller()
  @ApiOperation({ summary: 'Get a category' })
  @ApiOkResponse({ type: KbCategory })
  async get(@OptionalActor() reader: Actor | null, @Param('id', ParseIdPipe) id: string): Promise<KbCategory> {
    return toKbCategory(await this.categories.findOne(reader, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a category', description: 'Admin only. Honours If-Match.' })
  @ApiOkResponse({ type: KbCategory })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateKbCategoryBody,
    @IfMatch() expectedVersion?: number,
  ): Promise<KbCategory> {
    return toKbCategory(await this.categories.update(actor, id, input, expectedVersion));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a category', description: 'Admin only; refused (409) while it holds articles or subcategories.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.categories.remove(actor, id);
  }
}
