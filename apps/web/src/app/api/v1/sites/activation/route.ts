// The Kubernetes operator asks for an SSM hybrid activation for its site, authenticated with its
// company's API key (`Authorization: Bearer awk_…` or `X-Api-Key`), verified by the ingest package.
import { readEnv } from '@aw/config';
import { getAwsRuntime } from '@aw/aws';
import { createSiteActivationHandler } from '@aw/aws/site-activation';
import { getDb } from '@aw/db';
import { getDefaultIngestRuntime } from '@aw/ingest';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function presentedKey(req: Request): string | null {
  const x = req.headers.get('x-api-key');
  if (x) return x.trim();
  const m = /^bearer\s+(\S+)$/i.exec(req.headers.get('authorization')?.trim() ?? '');
  return m ? m[1]! : null;
}

let handler: ((req: Request) => Promise<Response>) | null = null;

export function POST(req: Request): Promise<Response> {
  handler ??= createSiteActivationHandler({
    prisma: getDb(),
    runtime: getAwsRuntime(),
    encryptionKey: readEnv(['APP_ENCRYPTION_KEY']).APP_ENCRYPTION_KEY ?? '',
    authenticate: async (r) => {
      const key = presentedKey(r);
      const info = key ? await getDefaultIngestRuntime().credentials.verifyApiKey(key) : null;
      return info ? { companyId: info.companyId, mspId: info.mspId, apiKeyId: info.id } : null;
    },
  });
  return handler(req);
}
