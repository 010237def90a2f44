// The Kubernetes operator asks for an SSM hybrid activation for its site, authenticated with its
// company's API key and an HMAC signature (always; see authenticateSiteRequest in @aw/ingest).
import { getAwsRuntime } from '@aw/aws';
import { createSiteActivationHandler } from '@aw/aws/site-activation';
import { getDb } from '@aw/db';
import { authenticateSite } from '../site-auth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

let handler: ((req: Request) => Promise<Response>) | null = null;

export function POST(req: Request): Promise<Response> {
  handler ??= createSiteActivationHandler({
    prisma: getDb(),
    runtime: getAwsRuntime(),
    encryptionKey: process.env.APP_ENCRYPTION_KEY ?? '',
    authenticate: authenticateSite,
  });
  return handler(req);
}
