import { Module } from '@nestjs/common';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDeliveryWorker } from './webhook-delivery.worker.js';
import { WebhookFanOut } from './webhook-fan-out.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookTarget } from './webhook-target.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhookDeliveriesService,
    WebhookSecrets,
    WebhookTarget,
    WebhookFanOut,
    WebhookDeliveryWorker,
    WebhooksResolver,
  ],
})
export class WebhooksModule {}
