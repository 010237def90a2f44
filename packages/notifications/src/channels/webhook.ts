// The generic outbound webhook, signed exactly as we verify inbound ones (packages/ingest/src/hmac.ts):
//   X-Timestamp: <unix seconds>
//   X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
import { signatureHeaders } from '@aw/ingest/hmac';
import type { TMessage } from '../types.ts';

export function webhookBody(m: TMessage) {
  return {
    id: m.key,
    type: m.trigger,
    occurred_at: m.at,
    title: m.title,
    text: m.text,
    company: { id: m.companyId, name: m.companyName },
    incident: m.incident ?? null,
    incidents: m.incidents ?? [],
    ack_url: m.ackUrl ?? null,
  };
}

export async function webhookRequest(m: TMessage, secret: string, nowSeconds: number) {
  const body = JSON.stringify(webhookBody(m));
  return {
    body,
    headers: { ...(await signatureHeaders(secret, body, nowSeconds)), 'Idempotency-Key': m.key },
  };
}
