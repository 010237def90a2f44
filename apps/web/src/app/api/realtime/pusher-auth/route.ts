import { authorizePusherChannel, PusherPublisher } from '@aw/realtime';
import { companyMspId, realtimeViewer } from '~/server/realtime';
import { getRoot } from '~/server/composition';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * pusher-js channel authorization: signs `<socket_id>:<channel_name>` only for a private channel
 * the signed-in viewer's scope may see (their MSP's, or one of its companies', or their own company).
 */
export async function POST(req: Request) {
  const rt = getRoot().realtime;
  if (!(rt.publisher instanceof PusherPublisher))
    return Response.json({ error: 'Pusher is not configured' }, { status: 404 });
  const viewer = await realtimeViewer();
  if (!viewer) return Response.json({ error: 'sign in first' }, { status: 401 });
  let socketId = '';
  let channelName = '';
  const type = req.headers.get('content-type') ?? '';
  try {
    if (type.includes('application/json')) {
      const body = (await req.json()) as { socket_id?: unknown; channel_name?: unknown };
      socketId = String(body.socket_id ?? '');
      channelName = String(body.channel_name ?? '');
    } else {
      const form = new URLSearchParams(await req.text());
      socketId = form.get('socket_id') ?? '';
      channelName = form.get('channel_name') ?? '';
    }
  } catch {
    return Response.json({ error: 'bad request' }, { status: 400 });
  }
  const result = await authorizePusherChannel({
    client: rt.publisher.client,
    scope: viewer.scope,
    socketId,
    channelName,
    companyMspId,
  });
  if (!result) return Response.json({ error: 'forbidden' }, { status: 403 });
  return Response.json(result, { headers: { 'cache-control': 'no-store' } });
}
