// The operator's heartbeat: upserts the cluster's Site (last seen, version, queue depth).
import { createSiteRegisterHandler } from '@aw/aws/site-register';
import { getRoot } from '~/server/composition';
import { siteAuthenticate } from '../site-auth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function POST(req: Request): Promise<Response> {
  return createSiteRegisterHandler({ prisma: getRoot().prisma, authenticate: siteAuthenticate('register') })(
    req,
  );
}
