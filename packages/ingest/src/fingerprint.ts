// Stable identity of an alert: fingerprint = sha256(source, identity), the same for its firing and
// resolved notifications; dedupKey = sha256(fingerprint, status, time), the same for a redelivery.
import { sha256HexSync } from './hash.ts';
import type { NormalizedAlert, NormalizedAlertDraft } from './types.ts';
import { canonicalJson } from './util.ts';

export function fingerprintOf(source: string, identity: string): string {
  return sha256HexSync(`${source}\n${identity}`);
}

export async function finalizeAlert(d: NormalizedAlertDraft): Promise<NormalizedAlert> {
  const fingerprint = fingerprintOf(d.source, d.identity);
  // Without a sender time, occurredAt is our receive time, which a redelivery does not share: the
  // hash of the alert's own payload stands in for it.
  const when = d.timeFromSender
    ? d.occurredAt.toISOString()
    : `payload:${sha256HexSync(canonicalJson(d.raw))}`;
  const dedupKey = sha256HexSync(`${fingerprint}\n${d.status}\n${when}`);
  return { ...d, fingerprint, dedupKey };
}

export function finalizeAlerts(drafts: NormalizedAlertDraft[]): Promise<NormalizedAlert[]> {
  return Promise.all(drafts.map(finalizeAlert));
}
