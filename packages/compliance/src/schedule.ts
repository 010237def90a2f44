// The schedule: one recurring tick job (singleton, so one per deployment) that queues a sync for
// every company whose last sync is older than its interval (6 h by default) and the daily export
// for companies that turned it on. The sync and export jobs carry their own singleton keys.
import { mspOfRow, walledJob } from '@aw/db';
import { now, EXPORT_JOB, SCHEDULE_JOB, type ComplianceDeps } from './deps.ts';
import { exportSnapshots } from './export.ts';
import { requestSync } from './sync.ts';
import { DEFAULT_SETTINGS } from './settings.ts';

export const TICK_MS = 5 * 60_000;

/** Companies due for a sync or an export at `at`; queues them. Returns what it queued. */
export async function scheduleDue(deps: ComplianceDeps): Promise<{ syncs: string[]; exports: string[] }> {
  const at = now(deps);
  const companies = await deps.prisma.company.findMany({
    where: { awsRoleArn: { not: null } },
    select: {
      id: true,
      patchSettings: true,
      patchSyncs: { orderBy: { startedAt: 'desc' }, take: 1, select: { startedAt: true } },
    },
  });
  const syncs: string[] = [];
  const exports: string[] = [];
  const today = at.toISOString().slice(0, 10);
  for (const c of companies) {
    const s = c.patchSettings;
    if (s && !s.enabled) continue;
    const hours = s?.syncIntervalHours ?? DEFAULT_SETTINGS.syncIntervalHours;
    const last = c.patchSyncs[0]?.startedAt;
    if (!last || at.getTime() - last.getTime() >= hours * 3_600_000) {
      await requestSync(deps, { companyId: c.id, trigger: 'schedule' });
      syncs.push(c.id);
    }
    if (
      s?.exportEnabled &&
      s.exportBucket &&
      (!s.lastExportAt || s.lastExportAt.toISOString().slice(0, 10) < today)
    ) {
      await deps.queue.enqueue(
        EXPORT_JOB,
        { companyId: c.id },
        { singletonKey: c.id, maxAttempts: 3, backoffMs: 60_000 },
      );
      exports.push(c.id);
    }
  }
  return { syncs, exports };
}

/** Registers the tick and export handlers; `startSchedule` queues the first tick. */
export function registerScheduleWorker(deps: ComplianceDeps): void {
  deps.queue.work(SCHEDULE_JOB, async () => {
    await scheduleDue(deps);
    return { retryAt: new Date(now(deps).getTime() + TICK_MS) };
  });
  deps.queue.work<{ companyId: string }>(
    EXPORT_JOB,
    walledJob(
      (job) => mspOfRow(deps.prisma.company, job.payload.companyId),
      async (job) => {
        await exportSnapshots(deps, job.payload.companyId);
      },
    ),
  );
}

export async function startSchedule(deps: ComplianceDeps): Promise<void> {
  await deps.queue.enqueue(SCHEDULE_JOB, {}, { singletonKey: 'tick' });
}
