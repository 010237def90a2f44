export {
  appMetrics,
  createAppMetrics,
  rejectionReason,
  REJECTION_REASONS,
  type AppMetrics,
} from './metrics.ts';
export { createDatabaseSnapshot, type Queryable, type Snapshot } from './database-gauges.ts';
export { checkReadiness, findMigrationsDir, shippedMigrations, type Readiness } from './readiness.ts';
export { createJsonLogger, requestIdFrom, type Logger } from './logger.ts';
export { metricsAuthorized, metricsResponse, serveMetrics, type MetricsServerOptions } from './http.ts';
export { histogramDelta, histogramQuantile, readHistogram, type HistogramSnapshot } from './histogram.ts';
