import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The Prometheus registry of this app instance (not prom-client's global one, so several apps can share a process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  // The labelled series of each method, route and status, kept: prom-client would hash the labels on every observation.
  private readonly series = new Map<string, ReturnType<Histogram['labels']>>();

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = this.httpDuration.labels({ method, route, status: String(status) })));
    series.observe(seconds);
  }
}
