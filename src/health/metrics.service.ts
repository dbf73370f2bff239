import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { RequestDurations } from './request-durations.js';

/** The Prometheus registry of this app instance (not prom-client's global one, so several apps can share a process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpDuration = new RequestDurations();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.registry.registerMetric(this.httpDuration as unknown as Metric);
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe(method, route, status, seconds);
  }
}
