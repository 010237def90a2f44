// The worker's retention job: `retention.sweep` runs every MSP's policy, then schedules the next run
// an interval later. One per hour slot (singleton key), so several workers starting at once enqueue
// it once; a run that a crash interrupted runs again (each step is idempotent).
import type { JobQueue } from '@aw/jobs';
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

export function registerRetentionWorker(deps: RetentionWorkerDeps): void {
  deps.queue.work(RETENTION_JOB, async () => {
    const outcomes = await runRetention(deps);
    const rolled = outcomes.reduce((n, o) => n + o.alertsRolledUp, 0);
    const cleared = outcomes.reduce((n, o) => n + o.payloadsCleared, 0);
    if (rolled || cleared)
      deps.logger?.log(`[retention] ${rolled} decided alerts rolled up, ${cleared} raw payloads cleared`);
    await scheduleRetention(deps, deps.intervalMs ?? RETENTION_INTERVAL_MS);
  });
}
