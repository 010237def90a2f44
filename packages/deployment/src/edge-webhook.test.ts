// The webhook's verification and parsing on the edge runtime's Web APIs only: edge-webhook.ts is
// bundled for a browser-like platform (so any Node built-in among its imports fails the build) and
// evaluated in an @edge-runtime/vm context (the runtime of Vercel's edge functions and Next.js
// middleware; no `process`, no `require`). There a correctly signed Alertmanager webhook is parsed;
// a tampered body, a stale timestamp and an oversize body are refused like on Node.
import path from 'node:path';
import { EdgeVM } from '@edge-runtime/vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { signatureHeaders } from '../../ingest/src/hmac.ts';

const SECRET = 'whsec_edge_test_0123456789abcdef';
const NOW = 1_800_000_000;
let vm: EdgeVM;

async function bundle(entry: string): Promise<string> {
  const r = await build({
    stdin: {
      contents: `import { edgeWebhook } from ${JSON.stringify(entry)};\nglobalThis.edgeWebhook = edgeWebhook;\n`,
      resolveDir: import.meta.dirname,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Builds the Request inside the VM (its own realm's Web APIs) and runs the handler there. */
async function send(
  body: string,
  headers: Record<string, string>,
  pathName = '/api/v1/webhooks/alertmanager',
): Promise<Answer> {
  const json = (await vm.evaluate(`(async () => {
    const req = new Request(${JSON.stringify(`https://aw.example.com${pathName}`)}, {
      method: 'POST', headers: ${JSON.stringify(headers)}, body: ${JSON.stringify(body)},
    });
    const res = await edgeWebhook(req, { secrets: [${JSON.stringify(SECRET)}], nowSeconds: ${NOW}, bodyLimitBytes: 4096 });
    return JSON.stringify({ status: res.status, body: await res.json() });
  })()`)) as string;
  return JSON.parse(json) as Answer;
}

const webhook = JSON.stringify({
  version: '4',
  status: 'firing',
  receiver: 'aw',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://am:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'DiskFull', instance: 'db-01:9100', severity: 'critical' },
      annotations: { summary: 'disk full' },
      startsAt: '2026-11-29T01:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'abc123',
    },
  ],
});

beforeAll(async () => {
  vm = new EdgeVM();
  vm.evaluate(await bundle('./edge-webhook.ts'));
});

describe('webhook verification and parsing on the edge runtime', () => {
  it('runs in a context with Web APIs only (no process, no require, no Buffer)', () => {
    expect(
      vm.evaluate(
        '[typeof process, typeof require, typeof Buffer, typeof crypto.subtle, typeof edgeWebhook]',
      ),
    ).toEqual(['undefined', 'undefined', 'undefined', 'object', 'function']);
  });

  it('accepts and parses a correctly signed Alertmanager webhook', async () => {
    const h = await signatureHeaders(SECRET, webhook, NOW);
    const r = await send(webhook, { 'content-type': 'application/json', ...h });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ format: 'alertmanager', accepted: 1, assets: ['db-01:9100'] });
    expect(r.body.signature).toBe(h['X-Signature']!.slice('sha256='.length));
  });

  it('refuses a tampered body, a stale timestamp and a missing signature (401)', async () => {
    const h = await signatureHeaders(SECRET, webhook, NOW);
    const tampered = await send(webhook.replace('DiskFull', 'DiskFine'), {
      'content-type': 'application/json',
      ...h,
    });
    expect(tampered).toEqual({ status: 401, body: { error: 'unauthorized', reason: 'mismatch' } });
    const old = await signatureHeaders(SECRET, webhook, NOW - 301);
    expect((await send(webhook, { 'content-type': 'application/json', ...old })).body.reason).toBe('stale');
    expect((await send(webhook, { 'content-type': 'application/json' })).body.reason).toBe('missing');
  });

  it('refuses an oversize body (413) and bad JSON behind a valid signature (400)', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(5000) });
    const hb = await signatureHeaders(SECRET, big, NOW);
    expect((await send(big, { 'content-type': 'application/json', ...hb })).status).toBe(413);
    const bad = '{"alerts": [';
    const hj = await signatureHeaders(SECRET, bad, NOW);
    expect((await send(bad, { 'content-type': 'application/json', ...hj })).status).toBe(400);
  });

  it('the bundle check bites: a module that imports a Node built-in does not build for the edge', async () => {
    await expect(bundle(path.resolve(import.meta.dirname, '../../ingest/src/hash.ts'))).rejects.toThrow(
      /node:|crypto/,
    );
  });
});
