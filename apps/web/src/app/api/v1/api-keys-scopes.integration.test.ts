// Issue 10 (3 and 7), driven the way an attacker would: plain HTTP against the app's real route
// handlers (the exported POST functions of app/api/v1/**/route.ts), mounted in node:http with
// Next's own request-body stream, on a real database and the fake AWS.
//   · an alert key (signed or not) gets 403 on site activation and AWS sees no CreateActivation
//   · a `site` key without a signature gets 401, even with the company's HMAC switched off
//   · a signed `site` key gets a code; the repeat call re-discloses it; both are audited with the key;
//     the MSP's admin sees it with its site and key and revokes it (gone in the fake AWS)
//   · 429 + Retry-After per key and per company
//   · a `site`-only key cannot post alerts
//   · PagerDuty with a bad key answers 401 without reading the body (huge, invalid, never-ending)
//   · an activation body past the limit is refused with 413 while it is still streaming
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsRuntime, getOnboarding, setRoleArn } from '@aw/aws';
import { FakeAws, type CfnTemplate } from '@aw/aws-fake';
import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { createApiKey, rotateWebhookSecret, setHmacRequired, signatureHeaders } from '@aw/ingest';
import { requestToBodyStream } from 'next/dist/server/body-streams.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCaller } from '../../../server/root';
import { replaceRoot, type Root } from '../../../server/composition';
import { createContext } from '../../../server/trpc';
import { testRoot } from '../../../testing/services';

const [target] = inject('pgTargets');
const ENC = Buffer.alloc(32, 7).toString('base64');
const MSP_ACCOUNT = '111122223333';

type Handler = (req: Request) => Promise<Response>;

describe('API key scopes and site activation over HTTP', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let server: http.Server;
  let base = '';
  const fake = new FakeAws({ stepMs: 50 });
  let nextAccount = 810000000000;
  let mspId = '';

  /** A company on the fake AWS, connected through its own template, with a signing secret. */
  async function company(slug: string) {
    const c = await prisma.company.create({
      data: { mspId, name: slug, slug, awsExternalId: `aw-${slug}`, simulated: true },
    });
    const art = await getOnboarding({ prisma, runtime: getRuntime(), companyId: c.id });
    const accountId = String(nextAccount++);
    fake.createAccount(accountId);
    const out = fake.createStack(accountId, JSON.parse(art.cloudFormation.body) as CfnTemplate, {
      region: art.region,
    });
    await setRoleArn({
      prisma,
      runtime: getRuntime(),
      companyId: c.id,
      actorId: null,
      input: { roleArn: out.RoleArn! },
    });
    const { secret } = await rotateWebhookSecret({
      prisma,
      companyId: c.id,
      actorId: null,
      encryptionKey: ENC,
      input: {},
    });
    const key = (name: string, scopes: string[], o: { allowUnsigned?: boolean; pagerDuty?: boolean } = {}) =>
      createApiKey({ prisma, companyId: c.id, actorId: null, input: { name, scopes, ...o } });
    return { id: c.id, accountId, region: art.region, secret, key };
  }

  let runtime: AwsRuntime;
  let root: Root;
  const getRuntime = () => runtime;
  let ownerId = '';
  const adminCaller = async () => createCaller(await createContext({ userId: ownerId, services: root }));

  async function post(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  }

  // Each request is signed anew, as the operator does: a distinct timestamp (inside the ±300 s
  // window) gives a distinct signature, so a repeat of the same body is not a replay.
  // (A fixed base minus a counter: never the same second twice while the file runs, well under 300 s.)
  const signedBase = Math.floor(Date.now() / 1000);
  let signedCalls = 0;
  async function activate(key: string, body: unknown, secret?: string) {
    const text = JSON.stringify(body);
    const ts = signedBase - (signedCalls++ % 120);
    const sig = secret ? await signatureHeaders(secret, text, ts) : {};
    return post('/api/v1/sites/activation', text, { authorization: `Bearer ${key}`, ...sig });
  }

  const createActivationCalls = () =>
    fake.requests.filter((r) => r.operation === 'CreateActivation' && r.status === 200).length;

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    process.env.APP_ENCRYPTION_KEY = ENC; // read by the activation route
    await fake.start();
    fake.createAccount(MSP_ACCOUNT);
    runtime = new AwsRuntime({
      fake: { endpoint: fake.endpoint, ...fake.createUser(MSP_ACCOUNT, 'platform') },
    });
    // The route handlers below use this process's root: this test's own.
    root = testRoot(db.url, { prisma, aws: runtime, env: { APP_ENCRYPTION_KEY: ENC } });
    replaceRoot(root);
    mspId = (await prisma.msp.create({ data: { name: 'MSP', slug: 'msp', awsAccountId: MSP_ACCOUNT } })).id;
    const owner = await prisma.user.create({
      data: {
        email: 'owner@msp.test',
        name: 'Owner',
        passwordHash: await hashPassword('irrelevant password'),
      },
    });
    await prisma.membership.create({ data: { userId: owner.id, mspId, role: 'OWNER' } });
    ownerId = owner.id;

    const routes: Record<string, Handler> = {
      '/api/v1/sites/activation': (await import('./sites/activation/route')).POST,
      '/api/v1/alerts': (await import('./alerts/route')).POST,
      '/api/v1/webhooks/pagerduty': (await import('./webhooks/pagerduty/route')).POST,
    };
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      const route = routes[url.pathname];
      if (!route) return void res.writeHead(404).end();
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      // The same conversion Next's node server applies to a route handler's request body.
      const body = requestToBodyStream({ ReadableStream }, Uint8Array, req);
      const request = new Request(url, { method: req.method, headers, body, duplex: 'half' } as RequestInit);
      route(request).then(
        async (r) => {
          res.writeHead(r.status, Object.fromEntries(r.headers));
          res.end(Buffer.from(await r.arrayBuffer()));
        },
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((ok) => server?.close(ok));
    runtime?.destroy();
    replaceRoot(undefined);
    await root?.stop();
    await fake.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  it('refuses an alert key with 403 and a reason, creating nothing in AWS, whatever the HMAC setting', async () => {
    const c = await company('alerts-only');
    // The probe's setting: HMAC off for the company and a key for an unsigned sender.
    await setHmacRequired({ prisma, companyId: c.id, actorId: null, input: { required: false } });
    const unsigned = await c.key('alertmanager', ['alerts:write'], { allowUnsigned: true });
    const signed = await c.key('sender', ['alerts:write']);
    const before = createActivationCalls();
    for (const r of [
      await activate(unsigned.key, { siteName: 'prod' }),
      await activate(unsigned.key, { siteName: 'prod' }, c.secret),
      await activate(signed.key, { siteName: 'prod' }, c.secret),
    ]) {
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ error: { code: 'FORBIDDEN', problems: [{ field: 'scope' }] } });
      expect(JSON.stringify(r.json)).toContain('requires \\"site\\"');
      expect(r.json).not.toHaveProperty('activationCode');
    }
    expect(createActivationCalls()).toBe(before);
    expect(Object.keys(fake.region(c.accountId, c.region).activations)).toEqual([]);
    expect(await prisma.hybridActivation.count({ where: { companyId: c.id } })).toBe(0);
    expect(await prisma.site.count({ where: { companyId: c.id } })).toBe(0);
  });

  it('answers 401 to a site key without a valid signature, even with HMAC off for the company', async () => {
    const c = await company('unsigned-site');
    await setHmacRequired({ prisma, companyId: c.id, actorId: null, input: { required: false } });
    const site = await c.key('operator', ['site']);
    const missing = await activate(site.key, { siteName: 'prod' });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ error: { problems: [{ field: 'X-Signature' }] } });
    const wrong = await activate(site.key, { siteName: 'prod' }, 'whsec_not-the-company-secret');
    expect(wrong.status).toBe(401);
    expect(
      (await activate('awk_0123456789abcdef_' + 'A'.repeat(43), { siteName: 'prod' }, c.secret)).status,
    ).toBe(401);
    expect(Object.keys(fake.region(c.accountId, c.region).activations)).toEqual([]);
    expect(await prisma.hybridActivation.count({ where: { companyId: c.id } })).toBe(0);
  });

  it('gives a signed site key a code, re-discloses it on a repeat call and audits both with the key', async () => {
    const c = await company('signed-site');
    const site = await c.key('operator', ['site']);
    const first = await activate(site.key, { siteName: 'prod-eu', registrationLimit: 3 }, c.secret);
    expect(first.status).toBe(201);
    const id = first.json.activationId as string;
    expect(fake.region(c.accountId, c.region).activations[id]).toMatchObject({ RegistrationLimit: 3 });
    const again = await activate(site.key, { siteName: 'prod-eu' }, c.secret);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      activationId: id,
      activationCode: first.json.activationCode,
      reused: true,
    });
    const audits = await prisma.auditLog.findMany({
      where: { companyId: c.id, action: { startsWith: 'aws.activation.' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(audits.map((a) => [a.action, (a.data as { apiKeyId: string }).apiKeyId])).toEqual([
      ['aws.activation.created', site.id],
      ['aws.activation.code_disclosed', site.id],
    ]);
    expect(JSON.stringify(audits.map((a) => a.data))).not.toContain(first.json.activationCode as string);
    const row = await prisma.hybridActivation.findFirstOrThrow({ where: { activationId: id } });
    expect(row.apiKeyId).toBe(site.id);
    // A captured request sent again as it is: refused as a replay (the signature is used once).
    const text = JSON.stringify({ siteName: 'prod-eu' });
    const captured = {
      authorization: `Bearer ${site.key}`,
      ...(await signatureHeaders(c.secret, text, Math.floor(Date.now() / 1000) - 299)),
    };
    expect((await post('/api/v1/sites/activation', text, captured)).status).toBe(200);
    const replayed = await post('/api/v1/sites/activation', text, captured);
    expect(replayed.status).toBe(401);
    expect(JSON.stringify(replayed.json)).toContain('replayed');

    // The MSP's admin sees it (site, registrations, the key that asked) and revokes it: it is gone
    // in AWS, and the operator's next call gets a new activation, never the revoked code.
    const admin = await adminCaller();
    const listed = await admin.aws.activations.list({ companyId: c.id });
    expect(listed).toMatchObject([
      {
        activationId: id,
        siteName: 'prod-eu',
        registrationsCount: 0,
        registrationLimit: 3,
        createdByKey: { id: site.id, name: 'operator' },
      },
    ]);
    await admin.aws.activations.delete({ companyId: c.id, activationId: id });
    expect(fake.region(c.accountId, c.region).activations[id]).toMatchObject({ deleted: true });
    // A server trying the revoked code, as the SSM agent would, is refused by AWS.
    expect(() =>
      fake.registerManagedInstance({
        activationCode: first.json.activationCode as string,
        activationId: id,
        region: c.region,
      }),
    ).toThrow(/Activation not found/);
    expect(await admin.aws.activations.list({ companyId: c.id })).toEqual([]);
    const after = await activate(site.key, { siteName: 'prod-eu' }, c.secret);
    expect(after.status).toBe(201);
    expect(after.json.activationId).not.toBe(id);
    expect(after.json.activationCode).not.toBe(first.json.activationCode);
  });

  it('rate-limits per key and per company with 429 and Retry-After', async () => {
    const c = await company('limited');
    const keys = await Promise.all([1, 2, 3, 4, 5].map((i) => c.key(`operator-${i}`, ['site'])));
    // Per key: a burst of 5, then 429 with the wait.
    for (let i = 0; i < 5; i++)
      expect((await activate(keys[0]!.key, { siteName: 'prod' }, c.secret)).status).toBeLessThan(300);
    const limited = await activate(keys[0]!.key, { siteName: 'prod' }, c.secret);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json).toMatchObject({ error: { message: 'rate limit exceeded for this API key' } });
    // Per company: 20 across the company's keys, then 429 for a fresh key as well.
    for (const k of keys.slice(1, 4))
      for (let i = 0; i < 5; i++)
        expect((await activate(k.key, { siteName: 'prod' }, c.secret)).status).toBeLessThan(300);
    const company429 = await activate(keys[4]!.key, { siteName: 'prod' }, c.secret);
    expect(company429.status).toBe(429);
    expect(Number(company429.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(company429.json).toMatchObject({ error: { message: 'rate limit exceeded for this company' } });
    // Another company is not slowed by this one.
    const other = await company('not-limited');
    const k = await other.key('operator', ['site']);
    expect((await activate(k.key, { siteName: 'prod' }, other.secret)).status).toBe(201);
  });

  it('keeps each scope to its endpoints: a site key cannot post alerts', async () => {
    const c = await company('scoped');
    const site = await c.key('operator', ['site']);
    const alert = JSON.stringify({ asset: 'web-01', signature: 'disk_full', severity: 'high' });
    const r = await post('/api/v1/alerts', alert, {
      'x-api-key': site.key,
      ...(await signatureHeaders(c.secret, alert)),
    });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: { code: 'FORBIDDEN', problems: [{ field: 'scope' }] } });
    expect(await prisma.alert.count({ where: { companyId: c.id } })).toBe(0);
    const both = await c.key('both', ['alerts:write', 'site']);
    const ok = await post('/api/v1/alerts', alert, {
      'x-api-key': both.key,
      ...(await signatureHeaders(c.secret, alert)),
    });
    expect(ok.status).toBe(202);
  });

  it('answers PagerDuty with a bad key 401 without reading or parsing the body', async () => {
    const huge = '{' + 'x'.repeat(3 * 1024 * 1024); // over the 1 MiB limit, and not JSON
    for (const [path, headers] of [
      ['/api/v1/webhooks/pagerduty?routing_key=' + 'f'.repeat(32), {}],
      ['/api/v1/webhooks/pagerduty', { authorization: 'Bearer awk_0123456789abcdef_' + 'B'.repeat(43) }],
      ['/api/v1/webhooks/pagerduty', {}],
    ] as const) {
      const r = await post(path, huge, headers);
      expect([path, r.status]).toEqual([path, 401]);
    }
    // A body that never ends: the 401 arrives while it is still being sent.
    const r = await streamForever('/api/v1/webhooks/pagerduty?routing_key=' + 'e'.repeat(32), {});
    expect(r.status).toBe(401);
  });

  it('refuses an activation body over the limit with 413 while it is still streaming', async () => {
    const c = await company('big-body');
    const site = await c.key('operator', ['site']);
    const declared = await post('/api/v1/sites/activation', 'x'.repeat(20_000), {
      authorization: `Bearer ${site.key}`,
    });
    expect(declared.status).toBe(413);
    const r = await streamForever('/api/v1/sites/activation', { authorization: `Bearer ${site.key}` });
    expect(r.status).toBe(413);
    expect(r.sentBytes).toBeGreaterThan(16 * 1024);
    expect(r.body).toContain('PAYLOAD_TOO_LARGE');
    expect(await prisma.hybridActivation.count({ where: { companyId: c.id } })).toBe(0);
  });

  /**
   * POSTs a chunked body that never ends (1 KiB every few ms) and resolves with the response the
   * server sends while the body is still streaming; fails if none comes within 10 s.
   */
  function streamForever(
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string; sentBytes: number }> {
    return new Promise((resolve, reject) => {
      let sentBytes = 0;
      let done = false;
      const req = http.request(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers },
      });
      const chunk = Buffer.from('{"siteName":"' + 'a'.repeat(1000) + '",');
      const timer = setInterval(() => {
        if (done) return;
        req.write(chunk);
        sentBytes += chunk.length;
      }, 2);
      const finish = (e: Error | null, v?: { status: number; body: string; sentBytes: number }) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        clearTimeout(deadline);
        req.destroy();
        if (e) reject(e);
        else resolve(v!);
      };
      const deadline = setTimeout(
        () => finish(new Error('no response while the body was streaming')),
        10_000,
      );
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        // The server may close the connection right after its answer (the body is still coming).
        res.on('end', () => finish(null, { status: res.statusCode!, body, sentBytes }));
        res.on('close', () => finish(null, { status: res.statusCode!, body, sentBytes }));
      });
      req.on('error', (e) => finish(e));
    });
  }
});
