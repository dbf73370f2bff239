import { Args, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { dateOrNull } from '../common/dates.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { ApiKey, CreatedApiKey, toApiKey } from './api-key.model.js';
import { API_KEY_KEYSET, ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyInput } from './dto/create-api-key.input.js';

@ObjectType('ApiKeyConnection')
class ApiKeyConnection extends Connection(ApiKey) {}

@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(
    private readonly service: ApiKeysService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Query(() => ApiKeyConnection, { description: 'Admin only.' })
  @Roles('admin')
  async apiKeys(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    const page = await this.service.list(actor, args.toPage());
    return toConnection(page, toApiKey, (k) => cursorFor(API_KEY_KEYSET, k));
  }

  @Mutation(() => CreatedApiKey, { description: 'Admin only. The secret is in this response only.' })
  @Roles('admin')
  async createApiKey(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateApiKeyInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<CreatedApiKey> {
    // The secret is in the first response only: a replay answers it as null (only its hash is kept).
    return this.idempotency.mutation(
      actor,
      'createApiKey',
      input,
      idempotencyKey,
      (a) => this.service.create(a, input),
      ({ key, secret }) => ({ ...toApiKey(key), secret }),
      reviveDates,
      ['secret'],
    );
  }

  @Mutation(() => ApiKey, { description: 'Admin only; immediate and final.' })
  @Roles('admin')
  async revokeApiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toApiKey(await this.service.revoke(actor, id));
  }
}

function reviveDates(k: CreatedApiKey): CreatedApiKey {
  return {
    ...k,
    createdAt: new Date(k.createdAt),
    expiresAt: dateOrNull(k.expiresAt),
    lastUsedAt: dateOrNull(k.lastUsedAt),
    revokedAt: dateOrNull(k.revokedAt),
  };
}
