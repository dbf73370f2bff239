import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor, OptionalActor } from '../actor/current-actor.decorator.js';
import { AnyCaller, Roles } from '../actor/roles.decorator.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { toConnection } from '../common/pagination/paginated.js';
import { TicketConnection, toTicket } from '../ticket-core/ticket.model.js';
import {
  CreateKbArticleInput,
  CreateKbCategoryInput,
  KbArticlesArgs,
  KbArticleTicketsArgs,
  KbFeedbackInput,
  KbSearchConnectionArgs,
  KbSuggestionConnectionArgs,
  UpdateKbArticleInput,
  UpdateKbCategoryInput,
} from './dto/kb.inputs.js';
import { KB_ARTICLE_KEYSET, KbArticlesService } from './kb-articles.service.js';
import { KB_CATEGORY_KEYSET, KbCategoriesService } from './kb-categories.service.js';
import { KbSearchService } from './kb-search.service.js';
import { KB_TICKETS_KEYSET, KbUsageService } from './kb-usage.service.js';
import {
  KbArticle,
  KbArticleConnection,
  kbArticleFromJson,
  KbCategory,
  KbCategoryConnection,
  kbCategoryFromJson,
  KbFeedback,
  KbSearchHitConnection,
  toKbArticle,
  toKbCategory,
  toKbFeedback,
} from './kb.models.js';

/** The knowledge base in GraphQL: the same services, rules and answers as `/v1/kb`. */
@Resolver(() => KbArticle)
export class KbResolver {
  constructor(
    private readonly categories: KbCategoriesService,
    private readonly articles: KbArticlesService,
    private readonly search: KbSearchService,
    private readonly usage: KbUsageService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Query(() => KbCategoryConnection, { description: 'Anyone, no token needed. By position.' })
  @AnyCaller()
  async kbCategories(@OptionalActor() reader: Actor | null, @Args() args: ConnectionArgs) {
    const page = await this.categories.list(reader, args.toPage());
    return toConnection(page, toKbCategory, (c) => cursorFor(KB_CATEGORY_KEYSET, c));
  }

  @Query(() => KbCategory, { description: 'Anyone, no token needed.' })
  @AnyCaller()
  async kbCategory(@OptionalActor() reader: Actor | null, @Args('id', { type: () => ID }) id: string) {
    return toKbCategory(await this.categories.findOne(reader, id));
  }

  @Query(() => KbArticleConnection, { description: 'Customers and anonymous readers get published articles only. Newest first.' })
  @AnyCaller()
  async kbArticles(@OptionalActor() reader: Actor | null, @Args() args: KbArticlesArgs) {
    const page = await this.articles.list(reader, args.filter ?? {}, args.toPage());
    return toConnection(page, toKbArticle, (a) => cursorFor(KB_ARTICLE_KEYSET, a));
  }

  @Query(() => KbArticle, { description: 'Drafts do not exist for customers and anonymous readers, whose reads count as views.' })
  @AnyCaller()
  async kbArticle(@OptionalActor() reader: Actor | null, @Args('id', { type: () => ID }) id: string) {
    return toKbArticle(await this.articles.findOne(reader, id));
  }

  @Query(() => KbSearchHitConnection, {
    description: 'Full-text search of published articles, best first; typo-tolerant when nothing matches.',
  })
  @AnyCaller()
  async kbSearch(@OptionalActor() reader: Actor | null, @Args() args: KbSearchConnectionArgs) {
    const page = await this.search.search(reader, args.q, args.locale, args.toPage());
    return toConnection(page, (hit) => hit, page.cursorOf);
  }

  @Query(() => KbSearchHitConnection, { description: "Articles likely to answer a draft's text or a ticket you can see, best first." })
  @AnyCaller()
  async kbSuggestions(@OptionalActor() reader: Actor | null, @Args() args: KbSuggestionConnectionArgs) {
    const page = await this.search.suggest(reader, args.query, args.toPage());
    return toConnection(page, (hit) => hit, page.cursorOf);
  }

  @Query(() => TicketConnection, { description: 'Tickets the article was linked on, among those you can see. Agents and admins.' })
  @Roles('agent', 'admin')
  async kbArticleTickets(@CurrentActor() actor: Actor, @Args() args: KbArticleTicketsArgs) {
    const page = await this.usage.ticketsUsing(actor, args.id, args.toPage());
    return toConnection(page, toTicket, (t) => cursorFor(KB_TICKETS_KEYSET, t));
  }

  @Mutation(() => KbCategory, { description: 'Admin only.' })
  @Roles('admin')
  async createKbCategory(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateKbCategoryInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<KbCategory> {
    const create = (a: Actor) => this.categories.create(a, input);
    return this.idempotency.mutation(actor, 'createKbCategory', input, idempotencyKey, create, toKbCategory, kbCategoryFromJson);
  }

  @Mutation(() => KbCategory, { description: 'Admin only.' })
  @Roles('admin')
  async updateKbCategory(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateKbCategoryInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toKbCategory(await this.categories.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Admin only; refused while it holds articles or subcategories.' })
  @Roles('admin')
  async deleteKbCategory(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    await this.categories.remove(actor, id);
    return true;
  }

  @Mutation(() => KbArticle, { description: 'Agents and admins; a draft unless a publisher sets status published.' })
  @Roles('agent', 'admin')
  async createKbArticle(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateKbArticleInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<KbArticle> {
    const create = (a: Actor) => this.articles.create(a, input);
    return this.idempotency.mutation(actor, 'createKbArticle', input, idempotencyKey, create, toKbArticle, kbArticleFromJson);
  }

  @Mutation(() => KbArticle, { description: 'Agents edit drafts; publishers publish, unpublish and edit published articles.' })
  @Roles('agent', 'admin')
  async updateKbArticle(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateKbArticleInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toKbArticle(await this.articles.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Admin only; refused once linked on tickets.' })
  @Roles('admin')
  async deleteKbArticle(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    await this.articles.remove(actor, id);
    return true;
  }

  @Mutation(() => KbFeedback, { description: 'Whether an article helped; one vote per signed-in reader.' })
  @AnyCaller()
  async kbArticleFeedback(
    @OptionalActor() reader: Actor | null,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: KbFeedbackInput,
  ): Promise<KbFeedback> {
    return toKbFeedback(await this.usage.feedback(reader, id, input));
  }
}
