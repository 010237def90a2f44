import 'server-only';
import { getAwsRuntime } from '@aw/aws';
import { getDb, getPool } from '@aw/db';
import { JobQueue } from '@aw/jobs';
import { recoverExecutions, registerRunbookWorker, type RunbookDeps } from '@aw/runbooks';
import { notifyRunbookPublished } from './notifications';
import { getPublisher } from './realtime';

// The process's job queue and runbook services, built once (globalThis only survives Next.js dev
// hot reload). Every app process works the queue; the database decides who runs what.

const g = globalThis as unknown as { __awRunbooks?: RunbookDeps; __awRunbooksStarted?: boolean };

export function getRunbookDeps(): RunbookDeps {
  if (!g.__awRunbooks) {
    const queue = new JobQueue({ pool: getPool() });
    g.__awRunbooks = {
      prisma: getDb(),
      runtime: getAwsRuntime(),
      queue,
      publish: (e) =>
        getPublisher()
          .publish(e)
          .finally(() => void notifyRunbookPublished(e)),
    };
  }
  return g.__awRunbooks;
}

/** Starts the runbook worker (once per process) and re-enqueues executions a crash left behind. */
export function startRunbookWorker(): RunbookDeps {
  const deps = getRunbookDeps();
  if (g.__awRunbooksStarted) return deps;
  g.__awRunbooksStarted = true;
  registerRunbookWorker(deps);
  deps.queue.start();
  void recoverExecutions(deps).catch((e: unknown) => console.error('[runbooks] recover:', e));
  return deps;
}
