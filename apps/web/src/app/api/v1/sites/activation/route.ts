// The operator asks for an SSM hybrid activation for its site: a `site`-scoped API key AND an HMAC
// signature (whatever the company's HMAC setting), each signature once, rate-limited per key and per
// company, the body limited while it streams (createSiteAuthenticator in packages/ingest).
// docs/API_REFERENCE.md.
import { readEnv } from '@aw/config';
import { createSiteActivationHandler } from '@aw/aws/site-activation';
import { getRoot } from '~/server/composition';
import { siteAuthenticate } from '../site-auth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function POST(req: Request): Promise<Response> {
  const root = getRoot();
  return createSiteActivationHandler({
    prisma: root.prisma,
    runtime: root.aws,
    encryptionKey: readEnv(['APP_ENCRYPTION_KEY']).APP_ENCRYPTION_KEY ?? '',
    authenticate: siteAuthenticate('activation'),
  })(req);
}
