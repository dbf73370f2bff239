import { Module } from '@nestjs/common';
import { SlaPoliciesController } from './sla-policies.controller.js';
import { SlaPoliciesResolver } from './sla-policies.resolver.js';
import { SlaPoliciesService } from './sla-policies.service.js';

/** Admin CRUD of SLA policies; the clocks pick theirs with `applicablePolicy` (sla-policy.ts), inside their transaction. */
@Module({ controllers: [SlaPoliciesController], providers: [SlaPoliciesService, SlaPoliciesResolver], exports: [SlaPoliciesService] })
export class SlaPoliciesModule {}
