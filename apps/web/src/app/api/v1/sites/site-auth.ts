// Shared by the operator's site endpoints: a `site`-scoped key plus an HMAC signature over the exact
// body, always (a key marked "unsigned sender" or a company with HMAC off gets no exception here),
// each signature once, rate-limited. One authenticator per endpoint, so a cluster's heartbeats
// (every 30 s) never spend the activation budget.
import type { SiteAuthenticate } from '@aw/core/domain';
import {
  createSiteAuthenticator,
  pgSignatureMemory,
  type SiteAuthenticator,
  type IngestRuntime,
  type SiteRateLimit,
} from '@aw/ingest';
import { getRoot } from '~/server/composition';

const LIMITS: Record<
  'activation' | 'register' | 'delete',
  { perKey?: SiteRateLimit; perCompany?: SiteRateLimit }
> = {
  activation: {}, // the defaults: 5 at once then 2 a minute per key, 20 then 10 per company
  register: { perKey: { burst: 20, perMinute: 12 }, perCompany: { burst: 100, perMinute: 60 } },
  delete: { perKey: { burst: 10, perMinute: 5 }, perCompany: { burst: 20, perMinute: 10 } },
};
// Per ingestion runtime (one per process, from the composition root): the rate limits live here.
const built = new WeakMap<IngestRuntime, Map<keyof typeof LIMITS, SiteAuthenticator>>();

export function siteAuthenticate(endpoint: keyof typeof LIMITS): SiteAuthenticate {
  return (req, opts) => {
    const ingest = getRoot().ingest;
    let forRuntime = built.get(ingest);
    if (!forRuntime) built.set(ingest, (forRuntime = new Map()));
    let a = forRuntime.get(endpoint);
    if (!a) {
      a = createSiteAuthenticator({
        credentials: ingest.credentials,
        logger: ingest.logger,
        rememberSignature: pgSignatureMemory(ingest.pool),
        ...LIMITS[endpoint],
      });
      forRuntime.set(endpoint, a);
    }
    return a.raw(req, opts);
  };
}
