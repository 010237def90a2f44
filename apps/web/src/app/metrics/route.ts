import { readEnv } from '@aw/config';
import { getRoot } from '~/server/composition';
import { appMetrics, metricsResponse } from '@aw/observability';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Prometheus scrape endpoint (packages/observability; docs/DEPLOYMENT.md#observability). With
 * METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>` gets the figures (401 otherwise).
 */
export function GET(req: Request): Promise<Response> {
  const { METRICS_TOKEN } = readEnv(['METRICS_TOKEN']);
  const metrics = appMetrics();
  metrics.attachDatabase(getRoot().pool);
  return metricsResponse(metrics, { authorization: req.headers.get('authorization'), token: METRICS_TOKEN });
}
