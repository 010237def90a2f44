// The operator asks for an SSM hybrid activation for its site: a `site`-scoped API key AND an HMAC
// signature (whatever the company's HMAC setting), each signature once, rate-limited per key and per
// company, the body limited while it streams (createSiteAuthenticator in packages/ingest).
// docs/API_REFERENCE.md.
import { readEnv } from '@aw/config';
import { getAwsRuntime } from '@aw/aws';
import { createSiteActivationHandler } from '@aw/aws/site-activation';
import { getDb } from '@aw/db';
import { siteAuthenticate } from '../site-auth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

let handler: ((req: Request) => Promise<Response>) | null = null;

export function POST(req: Request): Promise<Response> {
  handler ??= createSiteActivationHandler({
    prisma: getDb(),
    runtime: getAwsRuntime(),
    encryptionKey: readEnv(['APP_ENCRYPTION_KEY']).APP_ENCRYPTION_KEY ?? '',
    authenticate: siteAuthenticate('activation'),
  });
  return handler(req);
}
