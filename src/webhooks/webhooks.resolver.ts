import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { toConnection } from '../common/pagination/paginated.js';
import { CreateWebhookInput, RotateWebhookSecretInput, UpdateWebhookInput, WebhookDeliveriesArgs } from './dto/webhook.inputs.js';
import { DELIVERY_KEYSET, WebhookDeliveriesService } from './webhook-deliveries.service.js';
import {
  deliveryFromJson,
  toWebhook,
  toWebhookDelivery,
  Webhook,
  WebhookConnection,
  WebhookDelivery,
  WebhookDeliveryConnection,
  webhookFromJson,
  WebhookWithSecret,
  type SubscriptionWithTiers,
} from './webhook.models.js';
import { WEBHOOK_KEYSET, WebhooksService } from './webhooks.service.js';

const withSecret = ({ webhook, secret }: { webhook: SubscriptionWithTiers; secret: string }) => ({ ...toWebhook(webhook), secret });

/** Webhooks in GraphQL: the same services, rules and answers as `/v1/webhooks`. */
@Resolver(() => Webhook)
export class WebhooksResolver {
  constructor(
    private readonly service: WebhooksService,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Query(() => WebhookConnection, { description: 'Admin only.' })
  @Roles('admin')
  async webhooks(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    const page = await this.service.list(actor, args.toPage());
    return toConnection(page, toWebhook, (w) => cursorFor(WEBHOOK_KEYSET, w));
  }

  @Query(() => Webhook, { description: 'Admin only.' })
  @Roles('admin')
  async webhook(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toWebhook(await this.service.findOne(actor, id));
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Admin only. Newest first; kept 30 days.' })
  @Roles('admin')
  async webhookDeliveries(@CurrentActor() actor: Actor, @Args() args: WebhookDeliveriesArgs) {
    const page = await this.deliveries.list(actor, args.webhookId, args.toPage());
    return toConnection(page, toWebhookDelivery, (d) => cursorFor(DELIVERY_KEYSET, d));
  }

  @Mutation(() => WebhookWithSecret, { description: 'Admin only. The signing secret is in this response only.' })
  @Roles('admin')
  async createWebhook(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateWebhookInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<WebhookWithSecret> {
    const create = (a: Actor) => this.service.create(a, input);
    return this.idempotency.mutation(actor, 'createWebhook', input, idempotencyKey, create, withSecret, webhookFromJson, ['secret']);
  }

  @Mutation(() => Webhook, { description: 'Admin only. `active: true` turns a disabled webhook back on.' })
  @Roles('admin')
  async updateWebhook(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateWebhookInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toWebhook(await this.service.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Admin only; its delivery log goes with it.' })
  @Roles('admin')
  async deleteWebhook(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    await this.service.remove(actor, id);
    return true;
  }

  @Mutation(() => WebhookWithSecret, {
    description: 'Admin only. The new secret is in this response only; the old one signs too for the grace period.',
  })
  @Roles('admin')
  async rotateWebhookSecret(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => RotateWebhookSecretInput, nullable: true }) input?: RotateWebhookSecretInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<WebhookWithSecret> {
    const rotate = (a: Actor) => this.service.rotateSecret(a, id, input ?? {});
    return this.idempotency.mutation(actor, 'rotateWebhookSecret', { id, input }, idempotencyKey, rotate, withSecret, webhookFromJson, [
      'secret',
    ]);
  }

  @Mutation(() => WebhookDelivery, { description: 'Admin only. Sends a delivery again: same webhook-id and body.' })
  @Roles('admin')
  async replayWebhookDelivery(
    @CurrentActor() actor: Actor,
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('deliveryId', { type: () => ID }) deliveryId: string,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<WebhookDelivery> {
    const replay = (a: Actor) => this.deliveries.replay(a, webhookId, deliveryId);
    return this.idempotency.mutation(
      actor,
      'replayWebhookDelivery',
      { webhookId, deliveryId },
      idempotencyKey,
      replay,
      toWebhookDelivery,
      deliveryFromJson,
    );
  }
}
