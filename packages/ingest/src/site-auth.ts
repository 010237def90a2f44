// Authentication of the Kubernetes operator's site endpoints (POST /api/v1/sites/register,
// POST /api/v1/sites/activation, DELETE /api/v1/sites/activation/<id>). Stricter than ingestion:
// the HMAC signature is required always (whatever the company's HMAC setting or the key's
// "unsigned sender" flag), checked over the exact body bytes (empty for a DELETE), and each
// signature is accepted once (the replay nonce is stored before the request does anything).
import type { KeyInfo } from './auth.ts';
import type { IngestRuntime } from './handler.ts';
import { SIGNATURE_TOLERANCE_SECONDS, verifySignature } from './hmac.ts';

export interface SiteCaller {
  companyId: string;
  mspId: string;
  apiKeyId: string;
}

export interface SiteRequestLike {
  headers: { get(name: string): string | null };
}

/** The scope a site key carries. */
export const SITE_SCOPE = 'site';

function presentedKey(req: SiteRequestLike): string | null {
  const x = req.headers.get('x-api-key');
  if (x) return x.trim();
  const m = /^bearer\s+(\S+)$/i.exec(req.headers.get('authorization')?.trim() ?? '');
  return m ? m[1]! : null;
}

/**
 * Keys allowed on the site endpoints.
 * TODO(lead): once API keys carry the `site` scope (other branch), require `SITE_SCOPE` here and
 * mint site keys with it; until then any valid key of the company is accepted, always signed.
 */
function keyAllowed(key: KeyInfo): boolean {
  return key.scopes.includes(SITE_SCOPE) || key.scopes.includes('alerts:write');
}

/** The caller, or null for anything that must be answered 401 (no hint which check failed). */
export async function authenticateSiteRequest(
  rt: IngestRuntime,
  req: SiteRequestLike,
  rawBody: Uint8Array,
): Promise<SiteCaller | null> {
  const presented = presentedKey(req);
  const key = presented ? await rt.credentials.verifyApiKey(presented) : null;
  if (!key || !keyAllowed(key)) return null;
  const nowSeconds = Math.floor(rt.now() / 1000);
  const check = async (fresh: boolean) =>
    verifySignature({
      secrets: await rt.credentials.webhookSecrets(key.companyId, { fresh }),
      timestamp: req.headers.get('x-timestamp'),
      signature: req.headers.get('x-signature'),
      rawBody,
      nowSeconds,
    });
  let v = await check(false);
  if (!v.ok && v.reason === 'mismatch') v = await check(true);
  if (!v.ok) {
    rt.logger.info('site request signature rejected', { companyId: key.companyId, reason: v.reason });
    return null;
  }
  const expiresAt = new Date((v.timestamp + SIGNATURE_TOLERANCE_SECONDS + 60) * 1000);
  const { rowCount } = await rt.pool.query(
    `INSERT INTO "ReplayNonce" ("companyId", signature, "expiresAt") VALUES ($1, $2, $3::timestamptz AT TIME ZONE 'UTC')
     ON CONFLICT ("companyId", signature) DO NOTHING`,
    [key.companyId, v.signature, expiresAt.toISOString()],
  );
  if (!rowCount) {
    rt.logger.info('site request replayed', { companyId: key.companyId });
    return null;
  }
  return { companyId: key.companyId, mspId: key.mspId, apiKeyId: key.id };
}
