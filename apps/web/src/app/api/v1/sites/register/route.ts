// The operator's heartbeat: upserts the cluster's Site (last seen, version, queue depth).
import { createSiteRegisterHandler } from '@aw/aws/site-register';
import { getDb } from '@aw/db';
import { siteAuthenticate } from '../site-auth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

let handler: ((req: Request) => Promise<Response>) | null = null;

export function POST(req: Request): Promise<Response> {
  handler ??= createSiteRegisterHandler({ prisma: getDb(), authenticate: siteAuthenticate('register') });
  return handler(req);
}
