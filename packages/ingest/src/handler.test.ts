// Request-level rules that need no database: routing, method, content type, body limit, UTF-8,
// Idempotency-Key syntax, and the order in which they apply (authentication before the body).
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from './auth.ts';
import { createIngestRuntime, formatForPath, handleIngest, type IngestRuntime } from './handler.ts';
import { signatureHeaders } from './hmac.ts';
import { silentLogger } from './types.ts';
import type { WriteRequest } from './writer.ts';

const API_KEY = `awk_${'c'.repeat(16)}_${'d'.repeat(43)}`;
const SECRET = 'whsec_unit';
const key: KeyInfo = {
  id: '00000000-0000-4000-8000-000000000011',
  companyId: '00000000-0000-4000-8000-000000000012',
  mspId: '00000000-0000-4000-8000-000000000013',
  scopes: ['alerts:write'],
  allowUnsigned: false,
  hmacRequired: true,
  expiresAt: null,
  revokedAt: null,
};

function runtime(opts: { bodyLimitBytes?: number } = {}) {
  const writes: WriteRequest[] = [];
  const rt = createIngestRuntime({ pool: {} as never, logger: silentLogger, ...opts });
  const fake = {
    ...rt,
    credentials: {
      verifyApiKey: async (k: string) => (k === API_KEY ? key : null),
      verifyRoutingKey: async () => null,
      webhookSecrets: async () => [SECRET],
      clear() {},
    },
    writer: {
      submit: async (w: WriteRequest) => {
        writes.push(w);
        return { kind: 'stored', created: w.alerts.length, reply: w.reply([]) };
      },
    },
  } as unknown as IngestRuntime;
  return { rt: fake, writes };
}

async function post(
  rt: IngestRuntime,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  sign = true,
) {
  const sig = sign ? await signatureHeaders(SECRET, body) : {};
  return handleIngest(
    new Request(`http://x${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...sig, ...headers },
      body: body as BodyInit,
    }),
    rt,
  );
}

const alert = JSON.stringify({ asset: 'a', signature: 's' });

describe('handler', () => {
  it('routes by path', () => {
    expect(formatForPath('/api/v1/alerts')).toBe('native');
    expect(formatForPath('/api/v1/webhooks/grafana/')).toBe('grafana');
    expect(formatForPath('/api/v1/webhooks/native')).toBe('unknown');
    expect(formatForPath('/api/v1/other')).toBeNull();
  });

  it('answers 404, 405 and 400 for an unknown webhook format', async () => {
    const { rt } = runtime();
    expect((await post(rt, '/api/v1/nothing', alert)).status).toBe(404);
    const get = await handleIngest(new Request('http://x/api/v1/alerts'), rt);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const unknown = await post(rt, '/api/v1/webhooks/zabbix', alert);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { problems: [{ field: 'format' }] } });
  });

  it('checks the content type first, then the key, then the body size', async () => {
    const { rt, writes } = runtime({ bodyLimitBytes: 1024 });
    expect((await post(rt, '/api/v1/alerts', alert, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(rt, '/api/v1/alerts', alert, { 'content-type': '' })).status).toBe(415);
    expect(
      (await post(rt, '/api/v1/alerts', alert, { 'content-type': 'application/vnd.aw+json' })).status,
    ).toBe(202);
    const big = JSON.stringify({ asset: 'a', signature: 's', summary: 'x'.repeat(2000) });
    expect((await post(rt, '/api/v1/alerts', big, { 'x-api-key': 'nope' })).status).toBe(401);
    const tooBig = await post(rt, '/api/v1/alerts', big);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(writes).toHaveLength(1);
  });

  it('accepts Bearer and Basic credentials, rejects other schemes', async () => {
    const { rt } = runtime();
    const basic = Buffer.from(`aw:${API_KEY}`).toString('base64');
    expect(
      (await post(rt, '/api/v1/alerts', alert, { 'x-api-key': '', authorization: `Bearer ${API_KEY}` }))
        .status,
    ).toBe(202);
    expect(
      (await post(rt, '/api/v1/alerts', alert, { 'x-api-key': '', authorization: `Basic ${basic}` })).status,
    ).toBe(202);
    expect(
      (await post(rt, '/api/v1/alerts', alert, { 'x-api-key': '', authorization: `Token ${API_KEY}` }))
        .status,
    ).toBe(401);
  });

  it('verifies the signature before looking at the body', async () => {
    const { rt } = runtime();
    // malformed JSON with a bad signature is a 401, not a 400 that would confirm the key works
    expect(
      (await post(rt, '/api/v1/alerts', '{', { 'x-signature': `sha256=${'0'.repeat(64)}` })).status,
    ).toBe(401);
    expect((await post(rt, '/api/v1/alerts', '{')).status).toBe(400);
  });

  it('rejects invalid UTF-8 and a malformed Idempotency-Key with 400', async () => {
    const { rt, writes } = runtime();
    const res = await post(rt, '/api/v1/alerts', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { problems: [{ field: 'body', reason: 'is not valid UTF-8' }] },
    });
    const idem = await post(rt, '/api/v1/alerts', alert, { 'idempotency-key': 'has spaces in it' });
    expect(idem.status).toBe(400);
    expect(await idem.json()).toMatchObject({ error: { problems: [{ field: 'Idempotency-Key' }] } });
    expect(writes).toHaveLength(0);
  });

  it('answers 503 with Retry-After when the write path is unavailable', async () => {
    const { rt } = runtime();
    (rt as { writer: unknown }).writer = {
      submit: async () => ({ kind: 'unavailable', reason: 'queue full' }),
    };
    const res = await post(rt, '/api/v1/alerts', alert);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});
