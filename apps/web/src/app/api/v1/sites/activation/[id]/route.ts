// The operator's HybridActivation finalizer: delete an activation it asked for (signed, site key).
import { readEnv } from '@aw/config';
import { createSiteActivationDeleteHandler } from '@aw/aws/site-activation';
import { getRoot } from '~/server/composition';
import { siteAuthenticate } from '../../site-auth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const root = getRoot();
  return createSiteActivationDeleteHandler({
    prisma: root.prisma,
    runtime: root.aws,
    encryptionKey: readEnv(['APP_ENCRYPTION_KEY']).APP_ENCRYPTION_KEY ?? '',
    authenticate: siteAuthenticate('delete'),
  })(req, (await ctx.params).id);
}
