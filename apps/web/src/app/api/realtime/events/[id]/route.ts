import { canSeeEvent, parseEventId } from '@aw/realtime';
import { realtimeViewer } from '~/server/realtime';
import { getRoot } from '~/server/composition';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** One logged event: how Pusher clients fetch events too large for a Pusher message. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await realtimeViewer();
  if (!viewer) return Response.json({ error: 'sign in first' }, { status: 401 });
  const id = parseEventId((await params).id);
  const event = id ? await getRoot().realtime.log.byId(id) : null;
  if (!event || !canSeeEvent(viewer.scope, event))
    return Response.json({ error: 'not found' }, { status: 404 });
  return Response.json(event, { headers: { 'cache-control': 'private, max-age=3600' } });
}
