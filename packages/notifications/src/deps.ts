import type { Mailer } from '@aw/accounts';
import type { IncidentChangedEvent } from '@aw/correlation';
import type { PrismaClient } from '@aw/db';
import type { JobQueue } from '@aw/jobs';
import type pg from 'pg';
import type { NetOptions, Resolver } from './net/request.ts';

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
  /**
   * Private, loopback, link-local and metadata destinations (NOTIFY_ALLOW_PRIVATE_DESTINATIONS):
   * refused unless this is set (tests with loopback receivers, on-prem installs).
   */
  allowPrivateNetworks?: boolean;
  /** DNS for outbound destinations (default: the system resolver). Tests inject one. */
  resolveHost?: Resolver;
  /** Runs every listener of an incident change this package causes (a PSA ticket closed there). */
  onIncidentChanged?: (e: IncidentChangedEvent) => Promise<unknown>;
  /** How often tickets closed in a PSA are looked for. Default 60 s. */
  psaPollMs?: number;
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
export const PSA_POLL_JOB = 'notify.psa.poll';
export const ESCALATE_JOB = 'notify.escalate';

export const now = (d: Pick<NotificationDeps, 'clock'>) => (d.clock ?? (() => new Date()))();

/** How outbound requests of these deps are guarded and timed. */
export const netOptions = (
  d: Pick<NotificationDeps, 'allowHttp' | 'allowPrivateNetworks' | 'resolveHost' | 'timeoutMs'>,
): NetOptions & { allowHttp?: boolean; timeoutMs?: number } => ({
  allowHttp: d.allowHttp,
  allowPrivate: d.allowPrivateNetworks,
  resolve: d.resolveHost,
  timeoutMs: d.timeoutMs,
});
