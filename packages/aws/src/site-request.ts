// The prologue every site JSON endpoint shares: POST only, the site key and signature over the exact
// body (the injected authenticator), a JSON content type, then the body parsed as JSON. Each failure
// is an AppError with its status (400/401/403/413/415/429) before any work is done.
import type { SiteAuthenticate, SiteCaller } from '@aw/core/domain';
import { AppError } from '@aw/core/errors';

export async function readSiteJson(
  req: Request,
  authenticate: SiteAuthenticate,
  limit: number,
): Promise<{ caller: SiteCaller; json: unknown }> {
  if (req.method !== 'POST') throw new AppError('BAD_REQUEST', 'use POST');
  const { caller, raw } = await authenticate(req, { methods: ['POST'], limit });
  if (!/application\/json/.test(req.headers.get('content-type') ?? ''))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send application/json');
  try {
    return { caller, json: JSON.parse(new TextDecoder().decode(raw)) as unknown };
  } catch {
    throw new AppError('BAD_REQUEST', 'body is not JSON', [{ field: 'body', reason: 'must be JSON' }]);
  }
}
