// What an API key may do. Chosen when the key is created, shown in the portal, checked by every
// endpoint a key opens: `requireScope(key, 'alerts:write')` on ingestion, `requireScope(key, 'site')`
// on the operator's endpoints (site activation, registration/heartbeat).
import { AppError } from '@aw/core/errors';
import { z } from 'zod';

export const API_KEY_SCOPES = ['alerts:write', 'site'] as const;
export const ZApiKeyScope = z.enum(API_KEY_SCOPES);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

/** What each scope opens, for the portal and the docs. */
export const SCOPE_DESCRIPTIONS: Record<TApiKeyScope, string> = {
  'alerts:write': 'Send alerts (POST /api/v1/alerts, /api/v1/webhooks/*).',
  site: "A cluster's operator: site registration, heartbeat and SSM hybrid activations. Always HMAC-signed.",
};

/** Throws 403 with the missing scope named when the key does not carry it. */
export function requireScope(key: { scopes: readonly string[] }, scope: TApiKeyScope): void {
  if (key.scopes.includes(scope)) return;
  throw new AppError('FORBIDDEN', `this API key does not have the "${scope}" scope`, [
    {
      field: 'scope',
      reason: `requires "${scope}"; the key has ${key.scopes.length ? key.scopes.map((s) => `"${s}"`).join(', ') : 'no scopes'}. Create a key with the "${scope}" scope.`,
    },
  ]);
}

/**
 * The scopes for a new key, validated (400 with field + reason): at least one, known, no repeats,
 * and a `site` key is never an unsigned key (the operator's endpoints always require HMAC).
 */
export function validateScopes(
  scopes: readonly string[] | undefined,
  opts: { allowUnsigned?: boolean; pagerDuty?: boolean } = {},
): TApiKeyScope[] {
  const list = scopes ?? ['alerts:write'];
  const bad = (reason: string, field = 'scopes') =>
    new AppError('BAD_REQUEST', 'invalid scopes', [{ field, reason }]);
  if (list.length === 0) throw bad('choose at least one scope');
  const out: TApiKeyScope[] = [];
  for (const s of list) {
    const parsed = ZApiKeyScope.safeParse(s);
    if (!parsed.success) throw bad(`unknown scope "${s}"; use ${API_KEY_SCOPES.join(' or ')}`);
    if (!out.includes(parsed.data)) out.push(parsed.data);
  }
  if (out.includes('site') && opts.allowUnsigned)
    throw bad(
      'a key with the "site" scope always signs its requests; create a separate alert key for an unsigned sender',
      'allowUnsigned',
    );
  if (opts.pagerDuty && !out.includes('alerts:write'))
    throw bad('a PagerDuty routing key sends alerts: it needs the "alerts:write" scope', 'pagerDuty');
  return API_KEY_SCOPES.filter((s) => out.includes(s));
}
