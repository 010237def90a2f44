import { clientConfig } from '@aw/realtime';
import { narrowedCompany, realtimeViewer } from '~/server/realtime';
import { getRoot } from '~/server/composition';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Tells the browser which transport to use and what to subscribe to (never a secret). */
export async function GET(req: Request) {
  const viewer = await realtimeViewer();
  if (!viewer) return Response.json({ error: 'sign in first' }, { status: 401 });
  const narrow = await narrowedCompany(viewer, new URL(req.url));
  if (narrow === null) return Response.json({ error: 'company not found' }, { status: 404 });
  return Response.json(clientConfig(getRoot().realtime.settings, viewer.scope, narrow), {
    headers: { 'cache-control': 'no-store' },
  });
}
