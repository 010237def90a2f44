// Shared by the operator's site endpoints: a `site`-scoped key plus an HMAC signature over the exact
// body, always (a key marked "unsigned sender" or a company with HMAC off gets no exception here),
// each signature once, rate-limited. One authenticator per endpoint, so a cluster's heartbeats
// (every 30 s) never spend the activation budget.
import type { SiteAuthenticate } from '@aw/aws/site-activation';
import {
  createSiteAuthenticator,
  getDefaultIngestRuntime,
  pgSignatureMemory,
  type SiteAuthenticator,
  type SiteRateLimit,
} from '@aw/ingest';

const LIMITS: Record<
  'activation' | 'register' | 'delete',
  { perKey?: SiteRateLimit; perCompany?: SiteRateLimit }
> = {
  activation: {}, // the defaults: 5 at once then 2 a minute per key, 20 then 10 per company
  register: { perKey: { burst: 20, perMinute: 12 }, perCompany: { burst: 100, perMinute: 60 } },
  delete: { perKey: { burst: 10, perMinute: 5 }, perCompany: { burst: 20, perMinute: 10 } },
};
const built = new Map<keyof typeof LIMITS, SiteAuthenticator>();

export function siteAuthenticate(endpoint: keyof typeof LIMITS): SiteAuthenticate {
  return (req, opts) => {
    let a = built.get(endpoint);
    if (!a) {
      const ingest = getDefaultIngestRuntime();
      a = createSiteAuthenticator({
        credentials: ingest.credentials,
        logger: ingest.logger,
        rememberSignature: pgSignatureMemory(ingest.pool),
        ...LIMITS[endpoint],
      });
      built.set(endpoint, a);
    }
    return a.raw(req, opts);
  };
}
