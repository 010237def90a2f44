import type { Mailer } from '@aw/accounts';
import type { PrismaClient } from '@aw/db';
import type { JobQueue } from '@aw/jobs';
import type pg from 'pg';

/** What the notification services need; the composition root (or a test) builds it once. */
export interface NotificationDeps {
  prisma: PrismaClient;
  pool: pg.Pool;
  queue: JobQueue;
  mailer: Mailer;
  /** base64 32-byte key (APP_ENCRYPTION_KEY): channel secrets at rest, acknowledge-link signatures. */
  encryptionKey: string;
  /** Public base URL of the portal (AUTH_URL): incident and acknowledge links. */
  baseUrl: string;
  clock?: () => Date;
  /** Plain-http destinations (loopback tests, the demo). Production destinations must be https. */
  allowHttp?: boolean;
  /** Per-request timeout of an outbound call. Default 10 s. */
  timeoutMs?: number;
  /** Delivery attempts before the dead letter. Default 5. */
  maxAttempts?: number;
  /** First retry delay (doubles per attempt). Default 5 s. */
  backoffMs?: number;
  logger?: Pick<Console, 'error' | 'warn'>;
}

export const DELIVER_JOB = 'notify.deliver';
export const GROUP_JOB = 'notify.group';
export const ESCALATE_JOB = 'notify.escalate';

export const now = (d: Pick<NotificationDeps, 'clock'>) => (d.clock ?? (() => new Date()))();
