import type { Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'sigsentry_' });

export const httpDuration = new Histogram({
  name: 'sigsentry_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const webhookEvents = new Counter({
  name: 'sigsentry_webhook_events_total',
  help: 'Inbound support-desk webhook notifications by outcome',
  labelNames: ['platform', 'outcome'],
  registers: [metricsRegistry],
});

export const jobsProcessed = new Counter({
  name: 'sigsentry_jobs_total',
  help: 'Jobs handled by the worker by queue and outcome',
  labelNames: ['queue', 'outcome'],
  registers: [metricsRegistry],
});

export const outboundCalls = new Counter({
  name: 'sigsentry_outbound_calls_total',
  help: 'Calls to outside systems by target and status class',
  labelNames: ['target', 'status'],
  registers: [metricsRegistry],
});

/** Route label without ids: the matched route pattern, else a coarse bucket (keeps label cardinality bounded). */
function routeLabel(req: { route?: { path?: unknown }; baseUrl?: string; path?: string }): string {
  if (req.route && typeof req.route.path === 'string') return `${req.baseUrl ?? ''}${req.route.path}`;
  const p = req.path ?? '';
  if (p.startsWith('/v1')) return '/v1 (unmatched)';
  if (p.startsWith('/assets/')) return '/assets';
  return 'other';
}

/** Express middleware: observes every request's duration in sigsentry_http_request_duration_seconds. */
export function httpMetricsMiddleware(req: Request, res: Response, next: () => void): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    httpDuration.observe({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }, seconds);
  });
  next();
}
