// The app's site endpoints as an attacker meets them over HTTP: a valid key is not enough, the
// HMAC signature is always required (even for a key marked "unsigned sender" or a company with HMAC
// off), a captured request cannot be replayed, and one company cannot touch another's activation.
import { createApiKey, setHmacRequired } from '@aw/ingest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startUpstream, type Upstream } from '../testing/upstream.ts';
import { sign, UpstreamClient } from './client.ts';

const [target] = inject('pgTargets');

describe('site endpoints: key + signature always', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream(target!);
  });
  afterAll(async () => up?.stop());

  const body = JSON.stringify({
    siteName: 'edge-1',
    clusterUid: 'uid-x',
    operatorVersion: '0.1.0',
    queueDepth: 3,
  });
  const post = (path: string, b: string, headers: Record<string, string>, method = 'POST') =>
    fetch(`${up.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: method === 'DELETE' ? undefined : b,
    });
  const signed = (secret: string, b: string, ts = Math.floor(Date.now() / 1000)) => ({
    'x-timestamp': String(ts),
    'x-signature': sign(secret, ts, b),
  });
  const sites = () => up.prisma.site.count({ where: { name: 'edge-1' } });

  it('refuses a valid key without a signature, with a stale or a wrong one, and stores nothing', async () => {
    const key = { 'x-api-key': up.company.apiKey };
    expect((await post('/api/v1/sites/register', body, key)).status).toBe(401);
    expect(
      (
        await post('/api/v1/sites/register', body, {
          ...key,
          ...signed(up.company.hmacSecret, body, Math.floor(Date.now() / 1000) - 400),
        })
      ).status,
    ).toBe(401);
    expect(
      (await post('/api/v1/sites/register', body, { ...key, ...signed('whsec_wrong', body) })).status,
    ).toBe(401);
    // Signed for another body.
    expect(
      (await post('/api/v1/sites/register', body, { ...key, ...signed(up.company.hmacSecret, '{}') })).status,
    ).toBe(401);
    // Another company's secret with this company's key.
    expect(
      (await post('/api/v1/sites/register', body, { ...key, ...signed(up.other.hmacSecret, body) })).status,
    ).toBe(401);
    expect(await sites()).toBe(0);
  });

  it('requires the signature even for an "unsigned sender" key and with HMAC turned off for the company', async () => {
    const unsigned = await createApiKey({
      prisma: up.prisma,
      companyId: up.company.id,
      actorId: null,
      input: { name: 'am', allowUnsigned: true },
    });
    await setHmacRequired({
      prisma: up.prisma,
      companyId: up.company.id,
      actorId: null,
      input: { required: false },
    });
    try {
      // An alert sender's key lacks the `site` scope: refused before anything else.
      expect((await post('/api/v1/sites/register', body, { 'x-api-key': unsigned.key })).status).toBe(403);
      expect(
        (await post('/api/v1/sites/activation', body, { authorization: `Bearer ${unsigned.key}` })).status,
      ).toBe(403);
      // The operator's own site key, unsigned, with HMAC off for the company: still refused.
      const siteKey = { 'x-api-key': up.company.apiKey };
      expect((await post('/api/v1/sites/register', body, siteKey)).status).toBe(401);
      expect((await post('/api/v1/sites/activation', body, siteKey)).status).toBe(401);
      expect(await sites()).toBe(0);
    } finally {
      await setHmacRequired({
        prisma: up.prisma,
        companyId: up.company.id,
        actorId: null,
        input: { required: true },
      });
    }
  });

  it('accepts a signed heartbeat once; the same captured request replayed is refused', async () => {
    const headers = { 'x-api-key': up.company.apiKey, ...signed(up.company.hmacSecret, body) };
    const ok = await post('/api/v1/sites/register', body, headers);
    expect(ok.status).toBe(200);
    const row = await up.prisma.site.findFirstOrThrow({
      where: { companyId: up.company.id, name: 'edge-1' },
    });
    expect(row).toMatchObject({ clusterUid: 'uid-x', operatorVersion: '0.1.0', queueDepth: 3 });
    const replay = await post(
      '/api/v1/sites/register',
      body.replace('"queueDepth":3', '"queueDepth":3'),
      headers,
    );
    expect(replay.status).toBe(401);
    // Bad input from a signed sender: 400 with field and reason, nothing changed.
    const bad = JSON.stringify({ siteName: 'Edge 1', queueDepth: -1 });
    const r = await post('/api/v1/sites/register', bad, {
      'x-api-key': up.company.apiKey,
      ...signed(up.company.hmacSecret, bad),
    });
    expect(r.status).toBe(400);
    const fields = ((await r.json()) as { error: { problems: { field: string }[] } }).error.problems.map(
      (p) => p.field,
    );
    expect(fields).toEqual(['siteName', 'queueDepth']);
  });

  it("one company cannot delete another company's activation (404, nothing changes)", async () => {
    const client = new UpstreamClient(() => ({
      url: up.url,
      apiKey: up.company.apiKey,
      hmacSecret: up.company.hmacSecret,
    }));
    const created = await client.request(
      'POST',
      'api/v1/sites/activation',
      JSON.stringify({ siteName: 'edge-1', registrationLimit: 2 }),
    );
    expect(created.status).toBe(201);
    const id = (created.body as { activationId: string }).activationId;
    const intruder = new UpstreamClient(() => ({
      url: up.url,
      apiKey: up.other.apiKey,
      hmacSecret: up.other.hmacSecret,
    }));
    expect((await intruder.request('DELETE', `api/v1/sites/activation/${id}`)).status).toBe(404);
    const row = await up.prisma.hybridActivation.findFirstOrThrow({ where: { activationId: id } });
    expect(row.deletedAt).toBeNull();
    // Unsigned DELETE by the owner: refused too.
    expect(
      (await post(`/api/v1/sites/activation/${id}`, '', { 'x-api-key': up.company.apiKey }, 'DELETE')).status,
    ).toBe(401);
    // The owner, signed: deleted.
    expect((await client.request('DELETE', `api/v1/sites/activation/${id}`)).status).toBe(200);
    expect(
      (await up.prisma.hybridActivation.findFirstOrThrow({ where: { activationId: id } })).deletedAt,
    ).not.toBeNull();
  });
});
