// Hostile senders against the real ingestion routes over HTTP (every route.ts mounted as Next mounts
// it, see server/testing/route-server.ts), on a real database: each attack gets a clear 4xx and
// stores nothing; script and SQL in every text field are stored verbatim (rendering keeps them
// inert: see e2e/security.e2e.ts).
import net from 'node:net';
import path from 'node:path';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { replaceRoot } from '~/server/composition';
import { createTestDatabase } from '@aw/db/testing';
import { createApiKey, rotateWebhookSecret, signatureHeaders } from '@aw/ingest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadRoutes, startRouteServer, type RouteServer } from '~/server/testing/route-server';

const [target] = inject('pgTargets');
const ENC = Buffer.alloc(32, 6).toString('base64');
const SCRIPT = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;
const SQL = `'); DROP TABLE "Alert"; -- " OR 1=1`;

describe('hostile input over HTTP', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let server: RouteServer;
  let companyId = '';
  let key = '';
  let secret = '';
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    Object.assign(process.env, { DATABASE_URL: db.url, APP_ENCRYPTION_KEY: ENC });
    prisma = createPrismaClient(db.url, { max: 2 });
    const msp = await prisma.msp.create({ data: { name: 'm', slug: 'hostile' } });
    companyId = (
      await prisma.company.create({
        data: { mspId: msp.id, name: 'c', slug: 'c', awsExternalId: 'hostile-c' },
      })
    ).id;
    secret = (await rotateWebhookSecret({ prisma, companyId, actorId: null, encryptionKey: ENC, input: {} }))
      .secret;
    key = (await createApiKey({ prisma, companyId, actorId: null, input: { name: 'k' } })).key;
    server = await startRouteServer(await loadRoutes(path.resolve(import.meta.dirname, '..')));
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    // The process's root, built from the environment by the route handlers.
    await replaceRoot(undefined)?.stop();
    await prisma?.$disconnect();
    await db?.drop();
    process.env = saved;
  });

  const stored = () => prisma.alert.count({ where: { companyId } });

  async function post(body: string | Uint8Array, o: { headers?: Record<string, string>; ts?: number } = {}) {
    const sig = await signatureHeaders(secret, body, o.ts);
    const res = await fetch(`${server.base}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...sig, ...o.headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: res.status, text: await res.text() };
  }

  it('refuses oversized, deeply nested, invalid UTF-8 and mistyped bodies with a reason, storing nothing', async () => {
    const before = await stored();
    const huge = await post(JSON.stringify({ asset: 'a', signature: 's', summary: 'x'.repeat(3_000_000) }));
    expect(huge.status).toBe(413);
    const deep = await post('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000));
    expect(deep.status).toBe(400);
    expect(deep.text).toMatch(/"field"/);
    const utf8 = new Uint8Array([
      ...Buffer.from('{"asset":"'),
      0xc3,
      0x28,
      0xff,
      ...Buffer.from('","signature":"s"}'),
    ]);
    const bad = await post(utf8);
    expect(bad.status).toBe(400);
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await post('{"asset":"a","signature":"s"}', { headers: { 'content-type': ct } });
      expect(r.status, ct).toBe(415);
    }
    const nul = await post('{"asset":"a\\u0000b","signature":"s"}');
    expect(nul.status).toBe(400);
    expect(await stored()).toBe(before);
  });

  it('refuses timestamps outside ±300 s and a replayed request, storing nothing', async () => {
    const before = await stored();
    const now = Math.floor(Date.now() / 1000);
    const body = '{"asset":"skew","signature":"s"}';
    expect((await post(body, { ts: now - 301 })).status).toBe(401);
    // `now` is rounded down, so a future timestamp lies (301 - the fraction - the time taken) ahead
    // of the server's clock: at +301 a request that reached the server a fraction of a second late
    // was inside the window (a fresh clone's npm test on a busy machine got 202). +305 leaves 4 s.
    expect((await post(body, { ts: now + 305 })).status).toBe(401);
    expect(await stored()).toBe(before);
    // Replay: the exact same signed request twice.
    const sig = await signatureHeaders(secret, '{"asset":"replay","signature":"s"}', now - 5);
    const send = () =>
      fetch(`${server.base}/api/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...sig },
        body: '{"asset":"replay","signature":"s"}',
      });
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(401);
    expect(await prisma.alert.count({ where: { companyId, asset: 'replay' } })).toBe(1);
  });

  it('never lets a header smuggle another header or a second request', async () => {
    const port = Number(new URL(server.base).port);
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => s.end(text));
        let out = '';
        s.on('data', (d) => (out += d.toString('latin1')));
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
      });
    const before = await stored();
    // A bare LF inside a header value, and an obs-fold continuation: the parser refuses both.
    const lf = await raw(
      `POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\nX-Injected: 1\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect(lf).toMatch(/^HTTP\/1\.1 400/);
    const fold = await raw(
      `POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\nX-Timestamp: 1\r\n X-Signature: x\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect(fold).toMatch(/^HTTP\/1\.1 400/);
    // Content-Length and Transfer-Encoding together (request smuggling) is refused.
    const smuggle = await raw(
      `POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/health HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(smuggle).toMatch(/^HTTP\/1\.1 400/);
    expect(smuggle.match(/HTTP\/1\.1/g)).toHaveLength(1);
    // An Idempotency-Key is never echoed into the response headers.
    const r = await fetch(`${server.base}/api/v1/alerts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        'idempotency-key': 'evil%0d%0aSet-Cookie:x=1',
        ...(await signatureHeaders(secret, '{}')),
      },
      body: '{}',
    });
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(await stored()).toBe(before);
  });

  it('stores script and SQL in every text field verbatim', async () => {
    const body = JSON.stringify({
      asset: `${SCRIPT}${SQL}`.slice(0, 250),
      signature: SCRIPT,
      service: SQL,
      summary: `${SCRIPT} ${SQL}`,
      labels: { [SCRIPT.slice(0, 60)]: SQL, env: SCRIPT },
    });
    const res = await post(body);
    expect(res.status).toBe(202);
    const row = await prisma.alert.findFirstOrThrow({ where: { companyId, signature: SCRIPT } });
    expect(row.asset).toBe(`${SCRIPT}${SQL}`.slice(0, 250));
    expect(row.service).toBe(SQL);
    expect(row.summary).toBe(`${SCRIPT} ${SQL}`);
    expect(row.labels).toMatchObject({ [SCRIPT.slice(0, 60)]: SQL, env: SCRIPT });
    expect(await prisma.alert.count()).toBeGreaterThan(0);
  });
});
