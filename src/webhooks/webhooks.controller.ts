import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { NotStoredForReplay } from '../common/idempotency/idempotency.interceptor.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { CreateWebhookInput, RotateWebhookSecretInput, UpdateWebhookBody } from './dto/webhook.inputs.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { toWebhook, toWebhookDelivery, Webhook, WebhookDelivery, WebhookWithSecret, type SubscriptionWithTiers } from './webhook.models.js';
import { WebhooksService } from './webhooks.service.js';

const WebhookList = Paginated(Webhook);
const WebhookDeliveryList = Paginated(WebhookDelivery);
const withoutSecret = (created: { webhook: SubscriptionWithTiers }) => ({ ...toWebhook(created.webhook), secret: null });

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Subscribe a URL to events', description: 'Admin only. The signing secret is in this response only.' })
  @Idempotent(withoutSecret)
  @NotStoredForReplay('secret')
  @ApiCreatedResponse({ type: WebhookWithSecret })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateWebhookInput): Promise<WebhookWithSecret> {
    const { webhook, secret } = await this.webhooks.create(actor, input);
    return { ...toWebhook(webhook), secret };
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List webhooks', description: 'Admin only; secrets are never shown again.' })
  @ApiOkResponse({ type: WebhookList })
  async list(@CurrentActor() actor: Actor, @Query() args: PageArgs) {
    const page = await this.webhooks.list(actor, args);
    return { data: page.data.map(toWebhook), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Get a webhook', description: 'Admin only.' })
  @ApiOkResponse({ type: Webhook })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<Webhook> {
    return toWebhook(await this.webhooks.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a webhook', description: 'Admin only. Honours If-Match. `active: true` turns a disabled one back on.' })
  @ApiOkResponse({ type: Webhook })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateWebhookBody,
    @IfMatch() expectedVersion?: number,
  ): Promise<Webhook> {
    return toWebhook(await this.webhooks.update(actor, id, input, expectedVersion));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a webhook', description: 'Admin only; its delivery log goes with it.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }

  @Post(':id/rotate-secret')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Rotate a webhook's signing secret",
    description: 'Admin only. The new secret is in this response only; the old one keeps signing beside it for `graceSeconds` (24 h).',
  })
  @Idempotent(withoutSecret)
  @NotStoredForReplay('secret')
  @ApiOkResponse({ type: WebhookWithSecret })
  async rotateSecret(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: RotateWebhookSecretInput,
  ): Promise<WebhookWithSecret> {
    const { webhook, secret } = await this.webhooks.rotateSecret(actor, id, input);
    return { ...toWebhook(webhook), secret };
  }

  @Get(':id/deliveries')
  @Roles('admin')
  @ApiOperation({ summary: "A webhook's delivery log", description: 'Admin only. Newest first; kept 30 days.' })
  @ApiOkResponse({ type: WebhookDeliveryList })
  async deliveriesOf(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() args: PageArgs) {
    const page = await this.deliveries.list(actor, id, args);
    return { data: page.data.map(toWebhookDelivery), nextCursor: page.nextCursor };
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Send a delivery again', description: 'Admin only. Same webhook-id and body; 409 while the webhook is off.' })
  @Idempotent(toWebhookDelivery)
  @ApiAcceptedResponse({ type: WebhookDelivery })
  async replay(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Param('deliveryId', ParseIdPipe) deliveryId: string,
  ): Promise<WebhookDelivery> {
    return toWebhookDelivery(await this.deliveries.replay(actor, id, deliveryId));
  }
}
