import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthResolver } from './health.resolver.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({
  controllers: [HealthController],
  providers: [MetricsService, HealthResolver],
  exports: [MetricsService],
})
export class HealthModule {}
