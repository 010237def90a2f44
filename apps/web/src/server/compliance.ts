import 'server-only';
import { getAwsRuntime } from '@aw/aws';
import { createComplianceService, type ComplianceDeps } from '@aw/compliance';
import { getDb, getPool } from '@aw/db';
import { JobQueue } from '@aw/jobs';
import { getPublisher } from './realtime';

// The process's patch compliance services (packages/compliance), built once (globalThis only
// survives Next.js dev hot reload): its own job queue on the shared Job table, the realtime
// publisher, and ingestion's sink so threshold alerts reach correlation like any other alert.

const g = globalThis as unknown as {
  __awCompliance?: ComplianceDeps;
  __awComplianceStarted?: boolean;
  __awComplianceSink?: ComplianceDeps['alertsStored'];
};

export function getComplianceDeps(): ComplianceDeps {
  g.__awCompliance ??= {
    prisma: getDb(),
    pool: getPool(),
    runtime: getAwsRuntime(),
    queue: new JobQueue({ pool: getPool() }),
    publish: (e) => getPublisher().publish(e),
    alertsStored: (batch) => g.__awComplianceSink?.(batch),
    logger: console,
  };
  return g.__awCompliance;
}

/**
 * Registers the sync, schedule and export jobs and starts working them (once per process);
 * `alertsStored` is the correlation worker's hand-off for the threshold alerts.
 */
export function startComplianceWorker(alertsStored: ComplianceDeps['alertsStored']): void {
  g.__awComplianceSink = alertsStored;
  if (g.__awComplianceStarted) return;
  g.__awComplianceStarted = true;
  const deps = getComplianceDeps();
  const service = createComplianceService(deps);
  deps.queue.start();
  void service.start().catch((e: unknown) => console.error('[compliance] schedule:', e));
}
