// The worker's retention job: `retention.sweep` keeps the alert partitions created ahead, runs every
// MSP's policy (drops of whole months, then batched deletes), then schedules the next run an interval
// later. One per hour slot (singleton key), so several workers starting at once enqueue it once; a
// run that a crash interrupted runs again (each step is idempotent). On start, the worker creates
// the partitions ahead before anything else (startRetention).
import type { JobQueue } from '@aw/jobs';
import { ensureAlertPartitions } from './partitions.ts';
import { runRetention, type RetentionDeps } from './retention.ts';

export const RETENTION_JOB = 'retention.sweep';
export const RETENTION_INTERVAL_MS = 3_600_000;

export interface RetentionWorkerDeps extends RetentionDeps {
  queue: JobQueue;
  intervalMs?: number;
  logger?: Pick<Console, 'error' | 'warn' | 'log'>;
}

function slotKey(at: Date, intervalMs: number): string {
  return String(Math.floor(at.getTime() / intervalMs));
}

/** Enqueues the next run (idempotent per slot). */
export function scheduleRetention(deps: RetentionWorkerDeps, after = 0): Promise<unknown> {
  const interval = deps.intervalMs ?? RETENTION_INTERVAL_MS;
  const runAt = new Date((deps.clock ?? (() => new Date()))().getTime() + after);
  return deps.queue.enqueue(RETENTION_JOB, {}, { singletonKey: slotKey(runAt, interval), runAt });
}

async function ensurePartitions(deps: RetentionWorkerDeps): Promise<void> {
  const p = await ensureAlertPartitions(deps);
  if (p.created.length)
    deps.logger?.log(`[retention] alert partitions created: ${p.created.join(', ')} (${p.moved} rows moved)`);
}

/** On worker start: the partitions ahead, then the first run. */
export async function startRetention(deps: RetentionWorkerDeps): Promise<unknown> {
  await ensurePartitions(deps);
  return scheduleRetention(deps);
}

export function registerRetentionWorker(deps: RetentionWorkerDeps): void {
  deps.queue.work(RETENTION_JOB, async () => {
    await ensurePartitions(deps);
    const run = await runRetention(deps);
    const rolled = run.msps.reduce((n, o) => n + o.alertsRolledUp, 0);
    const dropped = run.msps.reduce((n, o) => n + o.alertsDropped, 0);
    const cleared = run.msps.reduce((n, o) => n + o.payloadsCleared, 0);
    if (rolled || cleared || run.partitionsDropped.length)
      deps.logger?.log(
        `[retention] ${rolled} decided alerts rolled up, ${dropped} more in dropped partitions ` +
          `(${run.partitionsDropped.join(', ') || 'none'}), ${cleared} raw payloads cleared`,
      );
    if (run.partitionsBlocked.length)
      deps.logger?.warn(
        `[retention] partitions past every window still hold undecided or late alerts: ${run.partitionsBlocked.join(', ')}`,
      );
    await scheduleRetention(deps, deps.intervalMs ?? RETENTION_INTERVAL_MS);
  });
}
