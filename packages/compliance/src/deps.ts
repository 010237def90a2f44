// What the compliance services need; the composition root (or a test) builds it once.
import type { AwsRuntime } from '@aw/aws';
import type { PrismaClient } from '@aw/db';
import type { JobQueue } from '@aw/jobs';
import type { PublishInput } from '@aw/realtime';
import type pg from 'pg';

export interface ComplianceDeps {
  prisma: PrismaClient;
  /** Raw SQL for the figures and the alert insert. */
  pool: pg.Pool;
  runtime: AwsRuntime;
  queue: JobQueue;
  clock?: () => Date;
  /** Live updates (best effort); the web app passes its realtime publisher. */
  publish?: (e: PublishInput) => Promise<unknown>;
  /** Hands newly stored alerts to correlation (ingestion's AlertSink); optional in tests. */
  alertsStored?: (batch: { companyId: string; alertIds: bigint[] }[]) => void | Promise<void>;
  /** Waits between throttled retries (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1, for the retry jitter. */
  random?: () => number;
  logger?: Pick<Console, 'error' | 'warn'>;
}

export const SYNC_JOB = 'compliance.sync';
export const SCHEDULE_JOB = 'compliance.schedule';
export const EXPORT_JOB = 'compliance.export';

export const now = (d: Pick<ComplianceDeps, 'clock'>) => (d.clock ?? (() => new Date()))();
export const sleepFor = (d: ComplianceDeps) =>
  d.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
