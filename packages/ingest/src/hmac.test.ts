import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hmacSha256Hex,
  signBody,
  signatureHeaders,
  verifyGrafanaSignature,
  verifySignature,
  webCryptoHmacSha256Hex,
} from './hmac.ts';

const enc = new TextEncoder();
const body = enc.encode('{"asset":"web-01","signature":"disk_full"}');
const now = 1_795_723_200;

describe('HMAC verifier', () => {
  it('matches a known vector (openssl dgst -sha256 -hmac)', async () => {
    // printf '%s' '1795723200.{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(await signBody('secret', 1795723200, '{"a":1}')).toBe(
      `sha256=${await hmacSha256Hex('secret', '1795723200.{"a":1}')}`,
    );
    expect(await hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('accepts a fresh signature by any current secret', async () => {
    const h = await signatureHeaders('s2', body, now);
    const r = await verifySignature({
      secrets: ['s1', 's2'],
      timestamp: h['X-Timestamp'],
      signature: h['X-Signature'],
      rawBody: body,
      nowSeconds: now + 299,
    });
    expect(r).toEqual({ ok: true, signature: h['X-Signature'].slice(7), timestamp: now });
  });

  it('rejects stale, future, tampered, wrong-secret, missing and malformed', async () => {
    const h = await signatureHeaders('s1', body, now);
    const v = (o: Partial<Parameters<typeof verifySignature>[0]>) =>
      verifySignature({
        secrets: ['s1'],
        timestamp: h['X-Timestamp'],
        signature: h['X-Signature'],
        rawBody: body,
        nowSeconds: now,
        ...o,
      });
    expect(await v({ nowSeconds: now + 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(await v({ nowSeconds: now - 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(await v({ rawBody: enc.encode('{"asset":"web-02","signature":"disk_full"}') })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await v({ secrets: ['other'] })).toEqual({ ok: false, reason: 'mismatch' });
    expect(await v({ secrets: [] })).toEqual({ ok: false, reason: 'mismatch' });
    expect(await v({ timestamp: String(now + 1) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(await v({ signature: null })).toEqual({ ok: false, reason: 'missing' });
    expect(await v({ signature: 'sha1=abc' })).toEqual({ ok: false, reason: 'malformed' });
    expect(await v({ timestamp: '1e9' })).toEqual({ ok: false, reason: 'malformed' });
  });

  it("verifies Grafana's scheme: hex HMAC of timestamp:body", async () => {
    const sig = await hmacSha256Hex('g', new Uint8Array([...enc.encode(`${now}:`), ...body]));
    const ok = await verifyGrafanaSignature({
      secrets: ['g'],
      timestamp: String(now),
      signature: sig,
      rawBody: body,
      nowSeconds: now,
    });
    expect(ok.ok).toBe(true);
    const noTs = await verifyGrafanaSignature({
      secrets: ['g'],
      timestamp: null,
      signature: sig,
      rawBody: body,
      nowSeconds: now,
    });
    expect(noTs.ok).toBe(false);
  });

  it('gives the same MAC on Web Crypto (edge) as on Node', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.uint8Array({ maxLength: 1024 }),
        async (secret, msg) => {
          expect(await hmacSha256Hex(secret, msg)).toBe(await webCryptoHmacSha256Hex(secret, msg));
        },
      ),
      { numRuns: 200 },
    );
  });
});
