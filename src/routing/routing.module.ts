import { Module } from '@nestjs/common';
import { RoutingRulesController } from './routing-rules.controller.js';
import { RoutingRulesResolver } from './routing-rules.resolver.js';
import { RoutingRulesService } from './routing-rules.service.js';

/** Admin CRUD of routing rules; ticket intake matches its in-memory copy of the active rules with `matchingRule` (routing.ts). */
@Module({ controllers: [RoutingRulesController], providers: [RoutingRulesService, RoutingRulesResolver], exports: [RoutingRulesService] })
export class RoutingModule {}
