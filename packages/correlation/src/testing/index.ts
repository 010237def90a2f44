// Test helpers of @aw/correlation (`@aw/correlation/testing`): tenants and alerts stored the way
// ingestion stores them, and engine alerts for the pure engine's tests. The child-process scripts
// beside this file (concurrent-writer.ts, intake-process.ts) are run by path, not imported.
export * from './engine-alerts.ts';
export * from './fixtures.ts';
