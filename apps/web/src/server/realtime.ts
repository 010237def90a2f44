import 'server-only';
import { assertCompanyAccess, loadViewer, tenantScope } from '@aw/accounts';
import type { ViewerScope } from '@aw/realtime';
import { auth } from './auth';
import { getRoot } from './composition';

// Who may see which live events: the signed-in viewer's scope for the realtime routes. The
// transport itself (hub, publisher, log) is built by the composition root (`getRoot().realtime`).

const getDb = () => getRoot().prisma;

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
