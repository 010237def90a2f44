import { handleAckRequest } from '@aw/notifications';
import { getNotificationDeps } from '~/server/notifications';
import { publishIncidentChange } from '~/server/pipeline';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ token: string }> };

// A signed, single-use acknowledge link from a notification: no sign-in (the link is the
// credential). GET shows a confirm button; POST acknowledges. See docs/NOTIFICATIONS.md.
async function handle(req: Request, ctx: Ctx) {
  const { token } = await ctx.params;
  return handleAckRequest(getNotificationDeps(), req, token, { onIncidentChanged: publishIncidentChange });
}

export const GET = handle;
export const POST = handle;
