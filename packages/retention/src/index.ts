export {
  applyRetention,
  dayCutoff,
  DEFAULT_RETENTION,
  retentionPolicies,
  runRetention,
  type RetentionDeps,
  type RetentionOutcome,
  type TRetentionPolicy,
} from './retention.ts';
export {
  registerRetentionWorker,
  RETENTION_INTERVAL_MS,
  RETENTION_JOB,
  scheduleRetention,
  type RetentionWorkerDeps,
} from './worker.ts';
