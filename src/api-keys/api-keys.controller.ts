import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { NotStoredForReplay } from '../common/idempotency/idempotency.interceptor.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { ApiKey, CreatedApiKey, toApiKey } from './api-key.model.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyInput } from './dto/create-api-key.input.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const ApiKeyList = Paginated(ApiKey);

@ApiTags('api-keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an API key', description: 'Admin only. The secret is in this response only; it is stored hashed.' })
  @Idempotent((created: { key: ApiKeyEntity }) => ({ ...toApiKey(created.key), secret: null }))
  @ApiCreatedResponse({ type: CreatedApiKey })
  @NotStoredForReplay('secret')
  async create(@CurrentActor() actor: Actor, @Body() input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const { key, secret } = await this.apiKeys.create(actor, input);
    return { ...toApiKey(key), secret };
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List API keys', description: 'Admin only; secrets are never shown again.' })
  @ApiOkResponse({ type: ApiKeyList })
  async list(@CurrentActor() actor: Actor, @Query() args: PageArgs) {
    const page = await this.apiKeys.list(actor, args);
    return { data: page.data.map(toApiKey), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Get an API key', description: 'Admin only.' })
  @ApiOkResponse({ type: ApiKey })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<ApiKey> {
    return toApiKey(await this.apiKeys.findOne(actor, id));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key', description: 'Admin only; immediate and final.' })
  @ApiNoContentResponse()
  async revoke(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.apiKeys.revoke(actor, id);
  }
}
