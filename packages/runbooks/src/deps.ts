import type { AwsRuntime } from '@aw/aws';
import type { PrismaClient } from '@aw/db';
import type { JobQueue, Queryable } from '@aw/jobs';
import type { PublishInput } from '@aw/realtime';

/** What the runbook services need; the composition root (or a test) builds it once. */
export interface RunbookDeps {
  prisma: PrismaClient;
  /** Raw SQL for the per-turn policy lookup of the incident listener (incident-listener.ts). */
  pool: Queryable;
  runtime: AwsRuntime;
  queue: JobQueue;
  clock?: () => Date;
  /** Live updates (best effort); the web app passes its realtime publisher. */
  publish?: (e: PublishInput) => Promise<unknown>;
  /** Shortest wait between two status polls (ms). Default 1000. */
  minPollMs?: number;
  logger?: Pick<Console, 'error' | 'warn'>;
}

export const EXECUTE_JOB = 'runbook.execute';
export const now = (d: RunbookDeps) => (d.clock ?? (() => new Date()))();
