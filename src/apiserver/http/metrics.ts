// /metrics in Prometheus text format (prom-client), with upstream's metric names where they exist.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Requests by verb, group, resource, subresource and HTTP code.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Request latency by verb, group and resource (watches excluded).',
    labelNames: ['verb', 'group', 'resource'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly watches = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Open watches by group and resource.',
    labelNames: ['group', 'resource'] as const,
    registers: [this.registry],
  });
  readonly inflight = new Gauge({
    name: 'apiserver_current_inflight_requests',
    help: 'Requests being served (watches excluded).',
    registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'supercache_request_duration_seconds',
    help: 'Store operation latency by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
