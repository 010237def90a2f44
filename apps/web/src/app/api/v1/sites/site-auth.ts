// Shared by the operator's site endpoints: the company API key plus an HMAC signature over the exact
// body, always (a key marked "unsigned sender" or a company with HMAC off gets no exception here).
import { authenticateSiteRequest, getDefaultIngestRuntime } from '@aw/ingest';

export function authenticateSite(req: Request, rawBody: Uint8Array) {
  return authenticateSiteRequest(getDefaultIngestRuntime(), req, rawBody);
}
