import { Module, type OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { TicketCoreModule } from '../ticket-core/ticket-core.module.js';
import { KbArticlesController } from './kb-articles.controller.js';
import { KbArticlesService } from './kb-articles.service.js';
import { KbCategoriesController } from './kb-categories.controller.js';
import { KbCategoriesService } from './kb-categories.service.js';
import { KB_DEFLECTION_QUEUE, KbDeflections } from './kb-deflections.js';
import { KbSearchController } from './kb-search.controller.js';
import { KbSearchService } from './kb-search.service.js';
import { KbUsageService } from './kb-usage.service.js';
import { KbResolver } from './kb.resolver.js';

/** Self-service: the knowledge base, its search, suggestions before a ticket, and its use on tickets. */
@Module({
  imports: [TicketCoreModule, JobsModule],
  controllers: [KbCategoriesController, KbArticlesController, KbSearchController],
  providers: [KbCategoriesService, KbArticlesService, KbSearchService, KbUsageService, KbDeflections, KbResolver],
  exports: [KbUsageService],
})
export class KbModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly deflections: KbDeflections,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ suggestionId: string }>(KB_DEFLECTION_QUEUE, ({ suggestionId }) => this.deflections.settle(suggestionId));
  }
}
