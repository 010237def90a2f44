import 'server-only';
import { getDb, getPool } from '@aw/db';
import type { IncidentChangedEvent } from '@aw/correlation';
import {
  type NotificationDeps,
  onIncidentChanged,
  onRunbookPublished,
  registerNotificationWorker,
} from '@aw/notifications';
import type { PublishInput } from '@aw/realtime';
import { appBaseUrl, mailer } from './mail';
import { encryptionKey } from './routers/ingest/access';
import { getRunbookDeps } from './runbooks';

// The notification services of this process, on the runbooks' job queue (one queue per process).
// Built once (globalThis only survives Next.js dev hot reload); every app process works the queue.

const g = globalThis as unknown as { __awNotify?: NotificationDeps; __awNotifyStarted?: boolean };

export function getNotificationDeps(): NotificationDeps {
  if (!g.__awNotify) {
    g.__awNotify = {
      prisma: getDb(),
      pool: getPool(),
      queue: getRunbookDeps().queue,
      mailer: mailer(),
      encryptionKey: encryptionKey(),
      baseUrl: appBaseUrl(),
      // Plain-http destinations only off production (loopback receivers while developing).
      allowHttp: process.env.NODE_ENV !== 'production',
    };
  }
  if (!g.__awNotifyStarted) {
    g.__awNotifyStarted = true;
    registerNotificationWorker(g.__awNotify);
  }
  return g.__awNotify;
}

/** The one listener on incident changes (correlation and portal actions alike). Never throws. */
export async function notifyIncidentChanged(e: IncidentChangedEvent): Promise<void> {
  await Promise.resolve()
    .then(() => onIncidentChanged(getNotificationDeps(), e))
    .catch((err: unknown) =>
      console.error(`[notifications] incident ${e.incidentId}: ${(err as Error).message}`),
    );
}

/** Runbook progress (what the runbook services publish) → runbook triggers. Never throws. */
export async function notifyRunbookPublished(e: PublishInput): Promise<void> {
  await Promise.resolve()
    .then(() => onRunbookPublished(getNotificationDeps(), e))
    .catch((err: unknown) => console.error(`[notifications] runbook event: ${(err as Error).message}`));
}
