// The door for a cluster's operator (POST /api/v1/sites/register, POST /api/v1/sites/activation,
// DELETE /api/v1/sites/activation/<id>): a `site`-scoped API key AND an HMAC signature with the
// company's signing secret over the exact body bytes (empty for a DELETE), whatever the company's
// HMAC setting or the key's allowUnsigned flag; each signature is accepted once (replay); rate-limited
// per key and per company. Order: key (401) → scope (403) → content type (415) → body read under the
// limit while it streams (413) → signature (401) → replay (401) → rate limits (429 + Retry-After) →
// JSON (400). Only requests that carry both the key and the secret spend the rate budget, so a leaked
// key alone cannot lock the operator out.
import type { SiteCaller } from '@aw/core/domain';
import { AppError } from '@aw/core/errors';
import type { CredentialStore, KeyInfo } from './auth.ts';
import { readBodyLimited, type BodySource } from './body.ts';
import { SIGNATURE_TOLERANCE_SECONDS, verifySignature } from './hmac.ts';
import { RateLimiter } from './rate-limit.ts';
import { requireScope } from './scopes.ts';
import type { Logger } from './types.ts';
import { parseJsonBody } from './util.ts';

export interface SiteRateLimit {
  /** Requests at once before the refill rate applies. */
  burst: number;
  perMinute: number;
}

export interface SiteAuthOptions {
  credentials: CredentialStore;
  /** The body is refused (413) at the first byte past this; default 16 KiB. */
  bodyLimitBytes?: number;
  perKey?: SiteRateLimit;
  perCompany?: SiteRateLimit;
  now?: () => number;
  logger?: Logger;
  /**
   * Records a verified signature; false when it was seen before (a replay). Without it replays
   * within the ±300 s window are only audited by the endpoints. `pgSignatureMemory(pool)` stores them
   * as ReplayNonce rows, like the ingestion path.
   */
  rememberSignature?: (companyId: string, signature: string, expiresAt: Date) => Promise<boolean>;
}

export interface SiteRequestSource extends BodySource {
  method: string;
}

/** Who called a site endpoint. */
export type { SiteCaller };

/** Replay memory on the ReplayNonce table (one row per accepted signature, expiring after the window). */
export function pgSignatureMemory(pool: {
  query(sql: string, params: unknown[]): Promise<{ rowCount: number | null }>;
}): NonNullable<SiteAuthOptions['rememberSignature']> {
  return async (companyId, signature, expiresAt) => {
    const { rowCount } = await pool.query(
      `INSERT INTO "ReplayNonce" ("companyId", signature, "expiresAt") VALUES ($1, $2, $3::timestamptz AT TIME ZONE 'UTC')
       ON CONFLICT ("companyId", signature) DO NOTHING`,
      [companyId, signature, expiresAt.toISOString()],
    );
    return Boolean(rowCount);
  };
}

export interface AuthenticatedSiteRequest {
  key: KeyInfo;
  /** The parsed JSON body (authenticated by the signature before it was parsed). */
  body: unknown;
  /** The verified signature (hex) and its timestamp (unix seconds). */
  signature: { value: string; timestamp: number };
}

export const SITE_BODY_LIMIT_BYTES = 16 * 1024;
export const DEFAULT_SITE_RATE_PER_KEY: SiteRateLimit = { burst: 5, perMinute: 2 };
export const DEFAULT_SITE_RATE_PER_COMPANY: SiteRateLimit = { burst: 20, perMinute: 10 };

/** The API key in `Authorization: Bearer …` or `X-Api-Key`, or null. */
export function presentedSiteKey(req: { headers: { get(name: string): string | null } }): string | null {
  const x = req.headers.get('x-api-key');
  if (x) return x.trim();
  const m = /^bearer\s+(\S+)$/i.exec(req.headers.get('authorization')?.trim() ?? '');
  return m ? m[1]! : null;
}

const NO_KEY = () =>
  new AppError('UNAUTHORIZED', 'a valid API key with the "site" scope is required', [
    { field: 'Authorization', reason: 'send Authorization: Bearer awk_… (a key with the "site" scope)' },
  ]);

/**
 * Builds the authenticator once per process (its rate limiters live in memory). `raw()` checks a
 * request of `methods` and returns the caller with the exact body bytes it signed; calling the
 * authenticator itself also parses the body as JSON (POST only).
 */
export function createSiteAuthenticator(o: SiteAuthOptions): SiteAuthenticator {
  const now = o.now ?? Date.now;
  const defaultLimit = o.bodyLimitBytes ?? SITE_BODY_LIMIT_BYTES;
  const pk = o.perKey ?? DEFAULT_SITE_RATE_PER_KEY;
  const pc = o.perCompany ?? DEFAULT_SITE_RATE_PER_COMPANY;
  const perKey = new RateLimiter(pk.perMinute, now, pk.burst);
  const perCompany = new RateLimiter(pc.perMinute, now, pc.burst);

  const raw = async (
    req: SiteRequestSource,
    opts: { methods?: readonly string[]; limit?: number } = {},
  ): Promise<{
    key: KeyInfo;
    caller: SiteCaller;
    raw: Uint8Array;
    signature: { value: string; timestamp: number };
  }> => {
    const methods = opts.methods ?? ['POST'];
    if (!methods.includes(req.method)) throw new AppError('BAD_REQUEST', `use ${methods.join(' or ')}`);
    const presented = presentedSiteKey(req);
    const key = presented ? await o.credentials.verifyApiKey(presented) : null;
    if (!key) throw NO_KEY();
    requireScope(key, 'site');
    const ct = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    // A DELETE carries no body; anything else is JSON.
    if (req.method !== 'DELETE' && ct !== 'application/json')
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send application/json', [
        { field: 'Content-Type', reason: ct ? `${ct} is not supported` : 'is missing' },
      ]);
    const body = await readBodyLimited(req, opts.limit ?? defaultLimit);

    const ts = req.headers.get('x-timestamp');
    const sig = req.headers.get('x-signature');
    if (!ts || !sig)
      throw new AppError('UNAUTHORIZED', 'an HMAC signature is required', [
        {
          field: 'X-Signature',
          reason:
            'requests with a "site" key are always signed: X-Timestamp and X-Signature (sha256 HMAC with the company signing secret), whatever the company HMAC setting',
        },
      ]);
    const check = async (fresh: boolean) =>
      verifySignature({
        secrets: await o.credentials.webhookSecrets(key, { fresh }),
        timestamp: ts,
        signature: sig,
        rawBody: body,
        nowSeconds: Math.floor(now() / 1000),
      });
    let verified = await check(false);
    if (!verified.ok && verified.reason === 'mismatch') verified = await check(true);
    if (!verified.ok) {
      o.logger?.info('site request signature rejected', {
        companyId: key.companyId,
        reason: verified.reason,
      });
      throw new AppError('UNAUTHORIZED', 'invalid signature', [
        { field: 'X-Signature', reason: 'does not verify with the company signing secret within ±300 s' },
      ]);
    }
    if (o.rememberSignature) {
      const expiresAt = new Date((verified.timestamp + SIGNATURE_TOLERANCE_SECONDS + 60) * 1000);
      if (!(await o.rememberSignature(key.companyId, verified.signature, expiresAt))) {
        o.logger?.info('site request replayed', { companyId: key.companyId });
        throw new AppError('UNAUTHORIZED', 'replayed request', [
          { field: 'X-Signature', reason: 'this signature was already used; sign each request anew' },
        ]);
      }
    }

    const waitKey = perKey.take(key.id);
    if (waitKey > 0)
      throw new AppError('TOO_MANY_REQUESTS', 'rate limit exceeded for this API key', [], waitKey);
    const waitCompany = perCompany.take(key.companyId);
    if (waitCompany > 0)
      throw new AppError('TOO_MANY_REQUESTS', 'rate limit exceeded for this company', [], waitCompany);
    return {
      key,
      caller: { companyId: key.companyId, mspId: key.mspId, apiKeyId: key.id },
      raw: body,
      signature: { value: verified.signature, timestamp: verified.timestamp },
    };
  };

  const authenticate = async (req: SiteRequestSource): Promise<AuthenticatedSiteRequest> => {
    const r = await raw(req);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(r.raw);
    } catch {
      throw new AppError('BAD_REQUEST', 'invalid body', [{ field: 'body', reason: 'is not valid UTF-8' }]);
    }
    const body = parseJsonBody(text);
    return { key: r.key, body, signature: r.signature };
  };
  return Object.assign(authenticate, { raw });
}

export type SiteAuthenticator = ((req: SiteRequestSource) => Promise<AuthenticatedSiteRequest>) & {
  raw(
    req: SiteRequestSource,
    opts?: { methods?: readonly string[]; limit?: number },
  ): Promise<{
    key: KeyInfo;
    caller: SiteCaller;
    raw: Uint8Array;
    signature: { value: string; timestamp: number };
  }>;
};
