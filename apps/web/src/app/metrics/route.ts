import { getRoot } from '~/server/composition';
import { appMetrics, metricsResponse } from '@aw/observability';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint (packages/observability; docs/DEPLOYMENT.md#observability). */
export function GET(): Promise<Response> {
  const metrics = appMetrics();
  metrics.attachDatabase(getRoot().pool);
  return metricsResponse(metrics);
}
