import { lastEventIdOf, sseResponse } from '@aw/realtime';
import { narrowedCompany, realtimeViewer, stillSameScope } from '~/server/realtime';
import { getRoot } from '~/server/composition';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Server-Sent Events: the viewer's live events, resumable with Last-Event-ID. */
export async function GET(req: Request) {
  const rt = getRoot().realtime;
  if (!rt.hub)
    return Response.json({ error: 'this deployment delivers live updates via Pusher' }, { status: 404 });
  const viewer = await realtimeViewer();
  if (!viewer) return Response.json({ error: 'sign in first' }, { status: 401 });
  const url = new URL(req.url);
  const narrow = await narrowedCompany(viewer, url);
  if (narrow === null) return Response.json({ error: 'company not found' }, { status: 404 });
  return sseResponse({
    source: rt.hub,
    ctx: { scope: viewer.scope, narrowToCompanyId: narrow, revalidate: () => stillSameScope(viewer) },
    lastEventId: lastEventIdOf(req.headers.get('last-event-id'), url),
    signal: req.signal,
    options: { heartbeatMs: rt.settings.heartbeatMs },
  });
}
