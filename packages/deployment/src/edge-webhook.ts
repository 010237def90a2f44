// The part of a webhook route that an edge runtime can run: read the body under the limit, check
// the signature, parse and normalize. Built only from @aw/ingest modules that use Web APIs
// (fetch Request/Response, Web Crypto, TextDecoder); edge-webhook.test.ts bundles this file for a
// browser-like platform (a Node built-in anywhere in its imports fails the bundle) and runs it in
// an edge-runtime VM. Storing the alerts needs PostgreSQL, which stays on Node (docs/DEPLOYMENT.md).
import { isAppError, errorBody, HTTP_STATUS } from '@aw/core/errors';
import { readBodyLimited } from '../../ingest/src/body.ts';
import { verifySignature } from '../../ingest/src/hmac.ts';
import { normalizeAlertmanager } from '../../ingest/src/normalizers/alertmanager.ts';
import { normalizeNative } from '../../ingest/src/normalizers/native.ts';
import { parseJsonBody } from '../../ingest/src/util.ts';

export interface EdgeWebhookOptions {
  secrets: string[];
  nowSeconds: number;
  bodyLimitBytes: number;
}

export async function edgeWebhook(req: Request, o: EdgeWebhookOptions): Promise<Response> {
  try {
    const format = new URL(req.url).pathname.endsWith('/webhooks/alertmanager') ? 'alertmanager' : 'native';
    const raw = await readBodyLimited(req, o.bodyLimitBytes);
    const verified = await verifySignature({
      secrets: o.secrets,
      timestamp: req.headers.get('x-timestamp'),
      signature: req.headers.get('x-signature'),
      rawBody: raw,
      nowSeconds: o.nowSeconds,
    });
    if (!verified.ok)
      return Response.json({ error: 'unauthorized', reason: verified.reason }, { status: 401 });
    const body = parseJsonBody(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    const ctx = { receivedAt: new Date(o.nowSeconds * 1000) };
    const out = format === 'alertmanager' ? normalizeAlertmanager(body, ctx) : normalizeNative(body, ctx);
    return Response.json(
      {
        format,
        accepted: out.alerts.length,
        assets: out.alerts.map((a) => a.asset),
        signature: verified.signature,
      },
      { status: 202 },
    );
  } catch (e) {
    if (isAppError(e)) return Response.json(errorBody(e), { status: HTTP_STATUS[e.code] });
    throw e;
  }
}
