// The operator's HybridActivation finalizer: delete an activation it asked for (signed, site key).
import { readEnv } from '@aw/config';
import { getAwsRuntime } from '@aw/aws';
import { createSiteActivationDeleteHandler } from '@aw/aws/site-activation';
import { getDb } from '@aw/db';
import { siteAuthenticate } from '../../site-auth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

let handler: ((req: Request, id: string) => Promise<Response>) | null = null;

export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  handler ??= createSiteActivationDeleteHandler({
    prisma: getDb(),
    runtime: getAwsRuntime(),
    encryptionKey: readEnv(['APP_ENCRYPTION_KEY']).APP_ENCRYPTION_KEY ?? '',
    authenticate: siteAuthenticate('delete'),
  });
  return handler(req, (await ctx.params).id);
}
