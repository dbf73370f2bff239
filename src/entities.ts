import { AttachmentEntity } from './attachments/attachment.entity.js';
import { InfoRequestEntity } from './info-requests/info-request.entity.js';
import { EscalationEntity } from './escalations/escalation.entity.js';
import { RoutingRuleOrganizationEntity } from './routing/routing-rule-organization.entity.js';
import { RoutingRuleEntity } from './routing/routing-rule.entity.js';
import { SlaClockEntity } from './sla/sla-clock.entity.js';
import { SlaPolicyEntity } from './sla/sla-policy.entity.js';
import { ApiKeyEntity } from './api-keys/api-key.entity.js';
import { OutboxEntity } from './events/outbox.entity.js';
import { TicketEventEntity } from './events/ticket-event.entity.js';
import { TicketMessageEntity } from './ticket-core/ticket-message.entity.js';
import { TicketEntity } from './ticket-core/ticket.entity.js';
import { TierMemberEntity } from './tiers/tier-member.entity.js';
import { TierEntity } from './tiers/tier.entity.js';
import { IdempotencyKeyEntity } from './common/idempotency/idempotency-key.entity.js';
import { OrganizationEntity } from './users/organization.entity.js';
import { UserEntity } from './users/user.entity.js';
import { EmailMessageEntity } from './email/email-message.entity.js';
import { EmailOutboundEntity } from './email/email-outbound.entity.js';
import { MailboxEntity } from './email/mailbox.entity.js';
import { KbArticleLinkEntity } from './kb/kb-article-link.entity.js';
import { KbArticleEntity } from './kb/kb-article.entity.js';
import { KbCategoryEntity } from './kb/kb-category.entity.js';
import { KbFeedbackEntity } from './kb/kb-feedback.entity.js';
import { KbSuggestionArticleEntity, KbSuggestionEntity } from './kb/kb-suggestion.entity.js';
import { WebhookDeliveryEntity } from './webhooks/webhook-delivery.entity.js';
import { WebhookSubscriptionTierEntity } from './webhooks/webhook-subscription-tier.entity.js';
import { WebhookSubscriptionEntity } from './webhooks/webhook-subscription.entity.js';

/**
 * Every entity, listed at the top (beside AppModule) so that src/database, the plumbing under every feature, imports no
 * feature: the app's data source and the migration CLI (whose drift check compares these with the schema the migrations
 * build) are given this list.
 */
export const entities = [
  IdempotencyKeyEntity,
  OrganizationEntity,
  UserEntity,
  ApiKeyEntity,
  TierEntity,
  TierMemberEntity,
  TicketEntity,
  TicketMessageEntity,
  TicketEventEntity,
  OutboxEntity,
  RoutingRuleEntity,
  RoutingRuleOrganizationEntity,
  SlaPolicyEntity,
  SlaClockEntity,
  EscalationEntity,
  AttachmentEntity,
  InfoRequestEntity,
  KbCategoryEntity,
  KbArticleEntity,
  KbArticleLinkEntity,
  KbFeedbackEntity,
  KbSuggestionEntity,
  KbSuggestionArticleEntity,
  WebhookSubscriptionEntity,
  WebhookSubscriptionTierEntity,
  WebhookDeliveryEntity,
  MailboxEntity,
  EmailMessageEntity,
  EmailOutboundEntity,
];
