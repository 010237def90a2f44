export {
  applyRetention,
  dayCutoff,
  DEFAULT_RETENTION,
  retentionPolicies,
  runRetention,
  type RetentionDeps,
  type RetentionOutcome,
  type RetentionRun,
  type TLeftToDrop,
  type TRetentionPolicy,
} from './retention.ts';
export { dropExpiredPartitions, type DropOutcome, type DropPolicy } from './drop-partitions.ts';
export {
  alertPartitions,
  DEFAULT_PARTITION,
  ensureAlertPartitions,
  PARTITIONS_AHEAD,
  partitionName,
  partitionOf,
  type EnsurePartitionsDeps,
  type EnsurePartitionsOutcome,
  type TAlertPartition,
} from './partitions.ts';
export {
  registerRetentionWorker,
  RETENTION_INTERVAL_MS,
  RETENTION_JOB,
  scheduleRetention,
  startRetention,
  type RetentionWorkerDeps,
} from './worker.ts';
