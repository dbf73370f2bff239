import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { paginate, type KeysetColumn, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { rejectNulls } from '../common/validation/reject-nulls.js';
import { writeTransaction } from '../database/unit-of-work.js';
import type { CreateWebhookInput, RotateWebhookSecretInput, UpdateWebhookInput } from './dto/webhook.inputs.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSubscriptionTierEntity } from './webhook-subscription-tier.entity.js';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';
import { WebhookTarget } from './webhook-target.js';
import type { SubscriptionWithTiers } from './webhook.models.js';

export const WEBHOOK_KEYSET: KeysetColumn<WebhookSubscriptionEntity>[] = [
  { expression: 's."createdAt"', direction: 'ASC', value: (s) => s.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 's.id', direction: 'ASC', value: (s) => s.id, cast: '::uuid' },
];
const DEFAULT_GRACE_SECONDS = 86_400;

/** Webhook subscriptions: admin only. The secret leaves the service only from create and rotateSecret. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: WebhookSecrets,
    private readonly target: WebhookTarget,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateWebhookInput): Promise<{ webhook: SubscriptionWithTiers; secret: string }> {
    assertRole(actor, 'admin');
    await this.assertTarget(input.url);
    const secret = this.secrets.generate();
    return writeTransaction(this.dataSource, actor, async (em) => {
      const tierIds = await this.checkTiers(em, input.tierIds ?? []);
      const saved = await em.save(
        em.create(WebhookSubscriptionEntity, {
          url: input.url,
          events: input.events,
          priorities: input.priorities ?? [],
          active: input.active ?? true,
          includeInternal: input.includeInternal ?? false,
          secretEncrypted: this.secrets.encrypt(secret),
          createdById: actor.id,
        }),
      );
      await this.replaceTiers(em, saved.id, tierIds);
      return { webhook: Object.assign(saved, { tierIds }), secret };
    });
  }

  async list(actor: Actor, page: PageRequest): Promise<Page<SubscriptionWithTiers>> {
    assertRole(actor, 'admin');
    const found = await paginate(this.dataSource.getRepository(WebhookSubscriptionEntity).createQueryBuilder('s'), WEBHOOK_KEYSET, page);
    return { ...found, data: await this.withTiers(this.dataSource.manager, found.data) };
  }

  async findOne(actor: Actor, id: string): Promise<SubscriptionWithTiers> {
    assertRole(actor, 'admin');
    const found = await this.dataSource.getRepository(WebhookSubscriptionEntity).findOneBy({ id });
    if (!found) throw DomainError.notFound('Webhook');
    return (await this.withTiers(this.dataSource.manager, [found]))[0];
  }

  async update(actor: Actor, id: string, input: UpdateWebhookInput, expectedVersion?: number | null): Promise<SubscriptionWithTiers> {
    assertRole(actor, 'admin');
    rejectNulls(input, ['url', 'events', 'active', 'includeInternal']);
    if (input.url !== undefined) await this.assertTarget(input.url);
    return this.dataSource.transaction(async (em) => {
      const found = await em.findOne(WebhookSubscriptionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!found) throw DomainError.notFound('Webhook');
      assertVersion(expectedVersion, found.version);
      const { tierIds, priorities, ...fields } = input;
      Object.assign(found, fields);
      if (priorities !== undefined) found.priorities = priorities ?? [];
      // Turned back on by an admin: it starts healthy.
      if (input.active === true) Object.assign(found, { disabledReason: null, disabledAt: null, failingSince: null });
      const saved = await em.save(found);
      if (tierIds !== undefined) await this.replaceTiers(em, id, await this.checkTiers(em, tierIds ?? []));
      return (await this.withTiers(em, [saved]))[0];
    });
  }

  /** Deletes the subscription and its delivery log. */
  async remove(actor: Actor, id: string): Promise<void> {
    assertRole(actor, 'admin');
    const { affected } = await this.dataSource.getRepository(WebhookSubscriptionEntity).delete({ id });
    if (!affected) throw DomainError.notFound('Webhook');
  }

  /**
   * A new secret, returned this once. The old one keeps signing beside it (two signatures per delivery) for the grace
   * period, so receivers can switch over without losing a delivery.
   */
  async rotateSecret(
    actor: Actor,
    id: string,
    input: RotateWebhookSecretInput,
  ): Promise<{ webhook: SubscriptionWithTiers; secret: string }> {
    assertRole(actor, 'admin');
    const secret = this.secrets.generate();
    const graceMs = (input.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
    return writeTransaction(this.dataSource, actor, async (em) => {
      const found = await em
        .getRepository(WebhookSubscriptionEntity)
        .createQueryBuilder('s')
        .addSelect('s.secretEncrypted')
        .where('s.id = :id', { id })
        .setLock('pessimistic_write')
        .getOne();
      if (!found) throw DomainError.notFound('Webhook');
      const keepOld = graceMs > 0;
      Object.assign(found, {
        previousSecretEncrypted: keepOld ? found.secretEncrypted : null,
        previousSecretExpiresAt: keepOld ? new Date(this.clock.now() + graceMs) : null,
        secretEncrypted: this.secrets.encrypt(secret),
      });
      const saved = await em.save(found);
      return { webhook: (await this.withTiers(em, [saved]))[0], secret };
    });
  }

  private async assertTarget(url: string): Promise<void> {
    const refused = await this.target.refusalOf(url);
    if (refused) throw DomainError.validation([{ field: 'url', message: refused }]);
  }

  private async checkTiers(em: EntityManager, tierIds: string[]): Promise<string[]> {
    if (tierIds.length === 0) return [];
    const found: { id: string }[] = await em.query(`SELECT id FROM tier WHERE id = ANY($1::uuid[]) AND "deletedAt" IS NULL`, [tierIds]);
    const missing = tierIds.filter((t) => !found.some((f) => f.id === t));
    if (missing.length) throw DomainError.validation([{ field: 'tierIds', message: `no such tier: ${missing.join(', ')}` }]);
    return tierIds;
  }

  private async replaceTiers(em: EntityManager, subscriptionId: string, tierIds: string[]): Promise<void> {
    await em.delete(WebhookSubscriptionTierEntity, { subscriptionId });
    if (tierIds.length)
      await em.insert(
        WebhookSubscriptionTierEntity,
        tierIds.map((tierId) => ({ subscriptionId, tierId })),
      );
  }

  private async withTiers(em: EntityManager, subs: WebhookSubscriptionEntity[]): Promise<SubscriptionWithTiers[]> {
    if (subs.length === 0) return [];
    const rows: { subscriptionId: string; tierId: string }[] = await em.query(
      `SELECT "subscriptionId", "tierId" FROM webhook_subscription_tier WHERE "subscriptionId" = ANY($1::uuid[]) ORDER BY "tierId"`,
      [subs.map((s) => s.id)],
    );
    return subs.map((s) => Object.assign(s, { tierIds: rows.filter((r) => r.subscriptionId === s.id).map((r) => r.tierId) }));
  }
}
