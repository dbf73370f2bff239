import { Histogram, Registry, type Metric } from 'prom-client';
import { RequestDurations } from './request-durations.js';

// The hand-kept histogram must expose exactly what prom-client's Histogram would for the same observations.
describe('RequestDurations', () => {
  it('scrapes the same text as a prom-client Histogram fed the same observations', async () => {
    const observations: [string, string, number, number][] = [
      ['GET', '/v1/tickets/:id', 200, 0.0004],
      ['GET', '/v1/tickets/:id', 200, 0.002], // on a bound: counted in le="0.002"
      ['GET', '/v1/tickets/:id', 404, 0.03],
      ['POST', '/v1/tickets', 201, 7.5], // past the last bound: +Inf only
      ['GET', '/v1/tickets/:id', 200, 0.26],
    ];
    const ours = new Registry();
    const durations = new RequestDurations();
    ours.registerMetric(durations as unknown as Metric);
    const theirs = new Registry();
    const histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [theirs],
    });
    for (const [method, route, status, seconds] of observations) {
      durations.observe(method, route, status, seconds);
      histogram.observe({ method, route, status: String(status) }, seconds);
    }
    const sorted = (text: string) => text.split('\n').sort().join('\n');
    expect(sorted(await ours.metrics())).toBe(sorted(await theirs.metrics()));
  });
});
