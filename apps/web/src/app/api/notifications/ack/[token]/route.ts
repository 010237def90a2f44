import { handleAckRequest } from '@aw/notifications';
import { getRoot } from '~/server/composition';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ token: string }> };

// A signed, single-use acknowledge link from a notification: no sign-in (the link is the
// credential). GET shows a confirm button; POST acknowledges. See docs/NOTIFICATIONS.md.
async function handle(req: Request, ctx: Ctx) {
  const { token } = await ctx.params;
  const root = getRoot();
  return handleAckRequest(root.notifications, req, token, {
    onIncidentChanged: (e) => root.incidentChanged(e, 'portal'),
  });
}

export const GET = handle;
export const POST = handle;
