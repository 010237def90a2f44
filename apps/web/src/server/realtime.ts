import { readEnv } from '@aw/config';
import 'server-only';
import { assertCompanyAccess, loadViewer, tenantScope } from '@aw/accounts';
import { getDb, getPool } from '@aw/db';
import {
  EventLog,
  PgRealtimeHub,
  PusherPublisher,
  realtimeSettingsFromEnv,
  type PublishInput,
  type Queryable,
  type RealtimeEvent,
  type RealtimePublisher,
  type RealtimeSettings,
  type ViewerScope,
} from '@aw/realtime';
import { auth } from './auth';

interface RealtimeState {
  settings: RealtimeSettings;
  publisher: RealtimePublisher;
  /** The LISTEN/NOTIFY hub that feeds this instance's SSE streams; null under Pusher. */
  hub: PgRealtimeHub | null;
  log: EventLog;
}

const g = globalThis as unknown as { __awRealtime?: RealtimeState };

function onError(err: unknown, where: string) {
  console.error(`[realtime] ${where}:`, err);
}

/** The process-wide realtime state, created on first use (one LISTEN connection per instance). */
export function realtime(): RealtimeState {
  if (g.__awRealtime) return g.__awRealtime;
  const settings = realtimeSettingsFromEnv();
  const pool = getPool();
  const log = new EventLog(pool);
  let state: RealtimeState;
  if (settings.transport === 'pusher') {
    const publisher = new PusherPublisher(settings.pusher, {
      log,
      retentionMs: settings.retentionMs,
      onError,
    });
    state = { settings, publisher, hub: null, log };
  } else {
    const url = readEnv(['DATABASE_URL']).DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    const hub = new PgRealtimeHub({
      pool,
      connectionString: url,
      retentionMs: settings.retentionMs,
      onError,
    });
    state = { settings, publisher: hub, hub, log: hub.log };
  }
  g.__awRealtime = state;
  return state;
}

/**
 * The publisher server code calls: `getPublisher().publish({ type, mspId, companyId, payload })`.
 * Live updates are best effort: a failed publish is logged and resolves to null, so it never fails
 * the webhook or mutation that caused it (dashboards also refetch on reconnect).
 */
export function getPublisher(): RealtimePublisher {
  return {
    get transport() {
      return realtime().publisher.transport;
    },
    async publish(input: PublishInput, opts?: { db?: Queryable }): Promise<RealtimeEvent | null> {
      try {
        return await realtime().publisher.publish(input, opts);
      } catch (e) {
        onError(e, `publish ${input.type}`);
        return null;
      }
    },
    close: () => realtime().publisher.close(),
  };
}

export interface RealtimeViewer {
  userId: string;
  scope: ViewerScope;
}

/** The signed-in viewer's scope, from the session and a fresh membership read; null if none. */
export async function realtimeViewer(): Promise<RealtimeViewer | null> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  const viewer = await loadViewer(getDb(), userId);
  if (!viewer) return null;
  try {
    return { userId, scope: tenantScope(viewer) };
  } catch {
    return null;
  }
}

/** Whether the viewer still has the same scope (checked periodically on long-lived streams). */
export async function stillSameScope(v: RealtimeViewer): Promise<boolean> {
  const viewer = await loadViewer(getDb(), v.userId);
  if (!viewer) return false;
  try {
    const now = tenantScope(viewer);
    return now.mspId === v.scope.mspId && now.companyId === v.scope.companyId;
  } catch {
    return false;
  }
}

/**
 * A page may narrow its stream to one company (`?companyId=`). That is only a request: it must be
 * a company the viewer may see. Returns undefined for none, null when refused.
 */
export async function narrowedCompany(v: RealtimeViewer, url: URL): Promise<string | undefined | null> {
  const requested = url.searchParams.get('companyId');
  if (!requested) return undefined;
  if (!/^[0-9a-f-]{36}$/i.test(requested)) return null;
  try {
    const viewer = await loadViewer(getDb(), v.userId);
    if (!viewer) return null;
    const company = await assertCompanyAccess(getDb(), viewer, requested);
    return company.id;
  } catch {
    return null;
  }
}

/** The MSP a company belongs to (for Pusher channel authorization). */
export async function companyMspId(companyId: string): Promise<string | null> {
  const c = await getDb().company.findUnique({ where: { id: companyId }, select: { mspId: true } });
  return c?.mspId ?? null;
}
