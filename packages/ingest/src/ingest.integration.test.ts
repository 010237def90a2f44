import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixture } from './fixtures/index.ts';
import { createIngestRuntime, handleIngest, type IngestOptions, type IngestRuntime } from './handler.ts';
import { signatureHeaders } from './hmac.ts';
import { listApiKeys, revokeApiKey, rotateApiKey, rotateWebhookSecret, setHmacRequired } from './keys.ts';
import { createFakeSns, notification, subscriptionConfirmation } from './testing/sns-signer.ts';
import { createTenants, signedRequest, TEST_ENCRYPTION_KEY } from './testing/tenants.ts';
import { silentLogger } from './types.ts';
import { GroupCommitWriter } from './writer.ts';

const BASE = 'http://127.0.0.1';
const ALERTS = `${BASE}/api/v1/alerts`;
const hook = (f: string) => `${BASE}/api/v1/webhooks/${f}`;

describe.each(inject('pgTargets'))('ingestion on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let rt: IngestRuntime;
  let t: Awaited<ReturnType<typeof createTenants>>;
  const sunk: { companyId: string; alertIds: bigint[] }[] = [];
  const sns = createFakeSns();
  const confirmed: string[] = [];
  const extra: IngestRuntime[] = [];

  const runtime = (o: Partial<IngestOptions> = {}) => {
    const r = createIngestRuntime({
      pool,
      encryptionKey: TEST_ENCRYPTION_KEY,
      logger: silentLogger,
      sink: { alertsStored: (b) => void sunk.push(...b) },
      sns: {
        fetchCertificate: async () => sns.certPem,
        confirmSubscription: async (u) => void confirmed.push(u),
      },
      ...o,
    });
    extra.push(r);
    return r;
  };
  const count = async (companyId?: string) =>
    companyId ? prisma.alert.count({ where: { companyId } }) : prisma.alert.count();
  const send = (req: Request, r = rt) => handleIngest(req, r);
  const alert = (asset: string, extraFields: Record<string, unknown> = {}) => ({
    asset,
    signature: 'disk_full',
    severity: 'high',
    occurredAt: '2026-11-26T20:00:00Z',
    ...extraFields,
  });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 4 });
    pool = createPool(db.url, { max: 6 });
    t = await createTenants(prisma);
    rt = runtime();
  });
  afterAll(async () => {
    for (const r of extra) await r.close();
    await pool.end();
    await prisma.$disconnect();
    await db.drop();
  });

  it('stores a signed native alert as PENDING for its company, after commit, and hands it to correlation', async () => {
    const res = await send(
      await signedRequest(ALERTS, alert('web-01'), { key: t.a.key, secret: t.a.secret }),
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { created: number; alerts: { id: string; status: string }[] };
    expect(body.created).toBe(1);
    const row = await prisma.alert.findFirstOrThrow({ where: { id: BigInt(body.alerts[0]!.id) } });
    expect(row).toMatchObject({
      companyId: t.a.id,
      mspId: t.a.mspId,
      source: 'NATIVE',
      asset: 'web-01',
      severity: 'HIGH',
      status: 'FIRING',
      decision: 'PENDING',
      apiKeyId: t.a.keyId,
    });
    expect(row.occurredAt.toISOString()).toBe('2026-11-26T20:00:00.000Z');
    expect(Math.abs(row.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(sunk).toContainEqual({ companyId: t.a.id, alertIds: [row.id] });
    const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: t.a.keyId } });
    expect(key.lastUsedAt).not.toBeNull();
    expect((await prisma.company.findUniqueOrThrow({ where: { id: t.a.id } })).firstAlertAt).not.toBeNull();
  });

  it('acknowledges a redelivered alert without a second row', async () => {
    const before = await count(t.a.id);
    const res = await send(
      await signedRequest(ALERTS, alert('web-01'), {
        key: t.a.key,
        secret: t.a.secret,
        now: Math.floor(Date.now() / 1000) - 5,
      }),
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { alerts: { id: string; status: string }[] };
    expect(body).toMatchObject({ created: 0, duplicates: 1 });
    expect(await count(t.a.id)).toBe(before);
    // The answer names the alert stored by the first delivery (read back after the commit).
    const stored = await prisma.alert.findFirst({ where: { companyId: t.a.id, asset: 'web-01' } });
    expect(body.alerts).toEqual([
      { id: stored!.id.toString(), fingerprint: stored!.fingerprint, status: 'duplicate' },
    ]);
  });

  it('acknowledges a redelivered alert without a sender time (dated on receipt) without a second row', async () => {
    // Its occurredAt is the receive time, so the redelivery has the same dedup key and another
    // occurredAt: only the dedup claim (AlertDedupKey) across the time partitions refuses it.
    const { occurredAt: _drop, ...timeless } = alert('no-time-01');
    // A redelivery is signed anew (another timestamp), as a sender's retry is.
    const sendIt = async (ago: number) =>
      send(
        await signedRequest(ALERTS, timeless, {
          key: t.a.key,
          secret: t.a.secret,
          now: Math.floor(Date.now() / 1000) - ago,
        }),
      );
    const first = await sendIt(0);
    expect(await first.json()).toMatchObject({ created: 1, duplicates: 0 });
    const before = await count(t.a.id);
    await new Promise((r) => setTimeout(r, 20));
    const again = await sendIt(3);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ created: 0, duplicates: 1 });
    expect(await count(t.a.id)).toBe(before);
  });

  it('replays the stored response for a repeated Idempotency-Key, also under concurrency', async () => {
    const headers = { 'idempotency-key': 'deliv-0001' };
    const first = await send(
      await signedRequest(ALERTS, alert('idem-1'), { key: t.a.key, secret: t.a.secret, headers }),
    );
    const firstBody = await first.json();
    const before = await count(t.a.id);
    const again = await send(
      await signedRequest(ALERTS, alert('idem-2'), { key: t.a.key, secret: t.a.secret, headers }),
    );
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);
    expect(await count(t.a.id)).toBe(before);
    const burst = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        send(
          await signedRequest(ALERTS, alert(`burst-${i}`), {
            key: t.a.key,
            secret: t.a.secret,
            headers: { 'idempotency-key': 'burst-1' },
          }),
        ),
      ),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(await count(t.a.id)).toBe(before + 1);
  });

  it('stores a batch all or nothing', async () => {
    const before = await count();
    const batch = {
      alerts: [alert('b-1'), alert('b-2'), alert('b-3'), alert('b-4', { severity: 'apocalyptic' })],
    };
    const res = await send(await signedRequest(ALERTS, batch, { key: t.a.key, secret: t.a.secret }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'BAD_REQUEST',
        message: 'invalid payload',
        problems: [
          { field: 'alerts[3].severity', reason: 'must be one of critical, high, medium, low, info' },
        ],
      },
    });
    expect(await count()).toBe(before);
    batch.alerts[3] = alert('b-4');
    const ok = await send(await signedRequest(ALERTS, batch, { key: t.a.key, secret: t.a.secret }));
    expect(await ok.json()).toMatchObject({ accepted: 4, created: 4 });
    expect(await count()).toBe(before + 4);
  });

  it('rejects every bad credential with the same 401 and writes nothing', async () => {
    const before = await count();
    const body = alert('nope');
    const now = Math.floor(Date.now() / 1000);
    const cases: Request[] = [
      new Request(ALERTS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
      await signedRequest(ALERTS, body, { key: 'not-a-key', secret: t.a.secret }),
      await signedRequest(ALERTS, body, {
        key: `${t.a.key.slice(0, 21)}${'A'.repeat(43)}`,
        secret: t.a.secret,
      }),
      await signedRequest(ALERTS, body, { key: t.a.key }), // unsigned, HMAC required
      await signedRequest(ALERTS, body, { key: t.a.key, secret: t.b.secret }), // another company's secret
      await signedRequest(ALERTS, body, { key: t.a.key, secret: t.a.secret, now: now - 301 }), // stale
      await signedRequest(ALERTS, body, { key: t.a.key, secret: t.a.secret, now: now + 310 }), // future (a margin: the clock moves during the test)
      await signedRequest(ALERTS, body, {
        key: t.a.key,
        secret: t.a.secret,
        headers: { 'x-signature': 'sha256=' + '0'.repeat(64) },
      }),
      await signedRequest(ALERTS, body, {
        key: t.a.key,
        secret: t.a.secret,
        headers: { 'x-timestamp': 'yesterday' },
      }),
      await signedRequest(ALERTS, body, { key: t.a.unsignedKey, secret: t.b.secret }), // a present signature is checked
    ];
    const bodies = new Set<string>();
    for (const [i, req] of cases.entries()) {
      const res = await send(req);
      expect([i, res.status]).toEqual([i, 401]);
      bodies.add(await res.text());
    }
    expect([...bodies]).toEqual([
      JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'invalid credentials' } }),
    ]);
    expect(await count()).toBe(before);
  });

  it('rejects a replayed signed request within the window', async () => {
    const req = await signedRequest(ALERTS, alert('replay-1'), { key: t.a.key, secret: t.a.secret });
    const copy = req.clone();
    expect((await send(req)).status).toBe(202);
    const before = await count();
    expect((await send(copy)).status).toBe(401);
    expect(await count()).toBe(before);
    expect(await prisma.replayNonce.count({ where: { companyId: t.a.id } })).toBeGreaterThan(0);
  });

  it('answers 400 with field and reason, 415, 413 and 429 with Retry-After, writing nothing', async () => {
    const before = await count();
    const bad = await send(
      await signedRequest(ALERTS, '{"asset": "x",', { key: t.a.key, secret: t.a.secret }),
    );
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { problems: { field: string }[] } }).error.problems[0]!.field,
    ).toBe('body');
    const types = await send(
      await signedRequest(ALERTS, alert('x'), {
        key: t.a.key,
        secret: t.a.secret,
        headers: { 'content-type': 'text/plain' },
      }),
    );
    expect(types.status).toBe(415);
    const small = runtime({ bodyLimitBytes: 1024 });
    const big = await send(
      await signedRequest(ALERTS, alert('x', { summary: 'y'.repeat(2000) }), {
        key: t.a.key,
        secret: t.a.secret,
      }),
      small,
    );
    expect(big.status).toBe(413);
    const limited = runtime({ rateLimitPerMinute: 2 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const r = await send(
        await signedRequest(ALERTS, alert(`rl-${i}`), { key: t.a2.key, secret: t.a2.secret }),
        limited,
      );
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await count()).toBe(before + 2);
    const wrongPath = await send(
      await signedRequest(hook('datadog'), alert('x'), { key: t.a.key, secret: t.a.secret }),
    );
    expect(wrongPath.status).toBe(400);
  });

  it('rotates keys with an overlap, revokes at once despite the cache', async () => {
    const svc = { prisma, companyId: t.a2.id, actorId: null };
    const rotated = await rotateApiKey({ ...svc, input: { id: t.a2.keyId, overlapMinutes: 60 } });
    expect(rotated.oldKeyExpiresAt.getTime()).toBeGreaterThan(Date.now());
    for (const key of [t.a2.key, rotated.key])
      expect(
        (
          await send(
            await signedRequest(ALERTS, alert(`rot-${key.slice(4, 10)}`), { key, secret: t.a2.secret }),
          )
        ).status,
      ).toBe(202);
    const again = await rotateApiKey({ ...svc, input: { id: rotated.id, overlapMinutes: 0 } });
    expect(
      (await send(await signedRequest(ALERTS, alert('rot-x'), { key: rotated.key, secret: t.a2.secret })))
        .status,
    ).toBe(401);
    expect(
      (await send(await signedRequest(ALERTS, alert('rot-y'), { key: again.key, secret: t.a2.secret })))
        .status,
    ).toBe(202);
    // the key is cached by now; revocation must still win at once
    await revokeApiKey({ ...svc, input: { id: again.id } });
    const before = await count();
    expect(
      (await send(await signedRequest(ALERTS, alert('rot-z'), { key: again.key, secret: t.a2.secret })))
        .status,
    ).toBe(401);
    expect(await count()).toBe(before);
    const listed = await listApiKeys(svc);
    expect(listed.find((k) => k.id === again.id)!.state).toBe('revoked');
    expect(JSON.stringify(listed)).not.toMatch(/hash|awk_[0-9a-f]{16}_/);
  });

  it('rotates the signing secret with an overlap; the new one works immediately', async () => {
    const svc = { prisma, companyId: t.b.id, actorId: null, encryptionKey: TEST_ENCRYPTION_KEY };
    const warm = await send(
      await signedRequest(ALERTS, alert('sec-0'), { key: t.b.key, secret: t.b.secret }),
    );
    expect(warm.status).toBe(202);
    const { secret } = await rotateWebhookSecret({ ...svc, input: { overlapMinutes: 10 } });
    expect((await send(await signedRequest(ALERTS, alert('sec-1'), { key: t.b.key, secret }))).status).toBe(
      202,
    );
    expect(
      (await send(await signedRequest(ALERTS, alert('sec-2'), { key: t.b.key, secret: t.b.secret }))).status,
    ).toBe(202);
    const row = await prisma.webhookSecret.findFirstOrThrow({
      where: { companyId: t.b.id },
      orderBy: { createdAt: 'desc' },
    });
    expect(row.ciphertext).not.toContain(secret.slice(6));
    const { secret: third } = await rotateWebhookSecret({ ...svc, input: { overlapMinutes: 0 } });
    rt.credentials.clear();
    expect((await send(await signedRequest(ALERTS, alert('sec-3'), { key: t.b.key, secret }))).status).toBe(
      401,
    );
    t.b.secret = third;
  });

  it('lets a company turn HMAC off', async () => {
    const svc = { prisma, companyId: t.a2.id, actorId: null };
    const { key } = await (await import('./keys.ts')).createApiKey({ ...svc, input: { name: 'x' } });
    expect((await send(await signedRequest(ALERTS, alert('hmac-off'), { key }))).status).toBe(401);
    await setHmacRequired({ ...svc, input: { required: false } });
    rt.credentials.clear();
    expect((await send(await signedRequest(ALERTS, alert('hmac-off'), { key }))).status).toBe(202);
    await setHmacRequired({ ...svc, input: { required: true } });
    rt.credentials.clear();
  });

  it('never lets a key of company A write into company B', async () => {
    const beforeB = await count(t.b.id);
    const res = await send(
      await signedRequest(ALERTS, alert('tenant-1', { companyId: t.b.id, mspId: t.b.mspId }), {
        key: t.a.key,
        secret: t.a.secret,
      }),
    );
    expect(res.status).toBe(202);
    const { alerts } = (await res.json()) as { alerts: { id: string }[] };
    expect((await prisma.alert.findFirstOrThrow({ where: { id: BigInt(alerts[0]!.id) } })).companyId).toBe(
      t.a.id,
    );
    expect(await count(t.b.id)).toBe(beforeB);
    // the same alert for B is B's own row, not a duplicate of A's
    const forB = await send(
      await signedRequest(ALERTS, alert('tenant-1'), { key: t.b.key, secret: t.b.secret }),
    );
    expect(await forB.json()).toMatchObject({ created: 1 });
    // and B cannot manage A's keys
    await expect(
      revokeApiKey({ prisma, companyId: t.b.id, actorId: null, input: { id: t.a.keyId } }),
    ).rejects.toThrow(/not found/);
    await expect(
      rotateApiKey({ prisma, companyId: t.b.id, actorId: null, input: { id: t.a.keyId } }),
    ).rejects.toThrow(/not found/);
  });

  it('takes Alertmanager webhooks with a Bearer key, firing then resolved', async () => {
    const auth = { authorization: `Bearer ${t.a.unsignedKey}` };
    const f = await send(
      await signedRequest(hook('alertmanager'), fixture('alertmanager-firing'), { key: '', headers: auth }),
    );
    expect(f.status).toBe(202);
    expect(await f.json()).toMatchObject({ created: 2, truncatedAlerts: 0 });
    const r = await send(
      await signedRequest(hook('alertmanager'), fixture('alertmanager-resolved'), { key: '', headers: auth }),
    );
    expect(await r.json()).toMatchObject({ created: 1 });
    const rows = await prisma.alert.findMany({
      where: { companyId: t.a.id, source: 'ALERTMANAGER', asset: 'web-01:9100' },
    });
    expect(rows.map((x) => x.status).sort()).toEqual(['FIRING', 'RESOLVED']);
    expect(new Set(rows.map((x) => x.fingerprint)).size).toBe(1);
    const trunc = await send(
      await signedRequest(hook('alertmanager'), fixture('alertmanager-truncated'), {
        key: '',
        headers: auth,
      }),
    );
    expect(await trunc.json()).toMatchObject({ created: 1, truncatedAlerts: 7 });
  });

  it('takes PagerDuty events by the routing_key in the URL and answers like PagerDuty', async () => {
    const trigger = { ...fixture('pagerduty-trigger'), routing_key: t.a.routingKey };
    const pdUrl = (rk: string) => `${hook('pagerduty')}?routing_key=${rk}`;
    const req = (body: unknown, rk = t.a.routingKey) =>
      new Request(pdUrl(rk), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await send(req(trigger));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'srv01/mysql-replication',
    });
    const rr = await send(req({ ...fixture('pagerduty-resolve'), routing_key: t.a.routingKey }));
    expect(rr.status).toBe(202);
    const rows = await prisma.alert.findMany({ where: { companyId: t.a.id, source: 'PAGERDUTY' } });
    expect(rows.map((x) => x.status).sort()).toEqual(['FIRING', 'RESOLVED']);
    expect(JSON.stringify(rows.map((x) => x.raw))).not.toContain(t.a.routingKey);
    const invalid = await send(req({ ...trigger, event_action: 'explode' }));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      status: 'invalid event',
      errors: ['event_action: must be one of trigger, acknowledge, resolve'],
    });
    // The body's routing_key, when given, must be the URL's: another key cannot ride along.
    const mismatch = await send(req({ ...trigger, routing_key: 'f'.repeat(32) }));
    expect(mismatch.status).toBe(400);
    expect(await send(req(trigger, 'f'.repeat(32)))).toHaveProperty('status', 401);
    // Credentials only in the body are no longer read: 401 that says where the key goes.
    const bodyOnly = await send(
      new Request(hook('pagerduty'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(trigger),
      }),
    );
    expect(bodyOnly.status).toBe(401);
    expect(JSON.stringify(await bodyOnly.json())).toContain('?routing_key=');
    expect(await prisma.alert.count({ where: { companyId: t.a.id, source: 'PAGERDUTY' } })).toBe(2);
  });

  it('answers a bad PagerDuty key 401 on the standalone server without reading the body', async () => {
    const { serveIngest } = await import('./server.ts');
    const http = await import('node:http');
    const srv = await serveIngest(runtime());
    try {
      // An endless chunked body behind a wrong routing key: the 401 comes while it still streams.
      let sent = 0;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${srv.url}/api/v1/webhooks/pagerduty?routing_key=${'f'.repeat(32)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        });
        const chunk = '{"x":"' + 'y'.repeat(4096);
        const timer = setInterval(() => {
          req.write(chunk);
          sent += chunk.length;
        }, 2);
        const stop = (e: Error | null, code = 0) => {
          clearInterval(timer);
          clearTimeout(deadline);
          req.destroy();
          if (e) reject(e);
          else resolve(code);
        };
        const deadline = setTimeout(() => stop(new Error('no answer while the body streamed')), 10_000);
        req.on('response', (res) => stop(null, res.statusCode));
        req.on('error', (e) => stop(e));
      });
      expect(status).toBe(401);
      // Answered long before the 1 MiB limit could have been read: the body was not waited for.
      expect(sent).toBeLessThan(256 * 1024);
      // A good key on the same server still reads and stores.
      const body = JSON.stringify({
        ...fixture('pagerduty-trigger'),
        routing_key: t.a.routingKey,
        dedup_key: 'standalone-1',
      });
      const ok = await fetch(`${srv.url}/api/v1/webhooks/pagerduty?routing_key=${t.a.routingKey}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(ok.status).toBe(202);
    } finally {
      await srv.close();
    }
  });

  it("takes Grafana webhooks signed with Grafana's own HMAC", async () => {
    const body = JSON.stringify(fixture('grafana-firing'));
    const ts = Math.floor(Date.now() / 1000);
    const { hmacSha256Hex } = await import('./hmac.ts');
    const sig = await hmacSha256Hex(t.a.secret, `${ts}:${body}`);
    const mk = (s: string) =>
      new Request(hook('grafana'), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${t.a.key}`,
          'x-grafana-alerting-signature': s,
          'x-grafana-alerting-timestamp': String(ts),
        },
        body,
      });
    expect((await send(mk('0'.repeat(64)))).status).toBe(401);
    const ok = await send(mk(sig));
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ created: 1 });
    expect((await send(mk(sig))).status).toBe(401); // replay
  });

  it('confirms SNS subscriptions and stores verified CloudWatch alarms (Basic auth from the URL)', async () => {
    const basic = {
      authorization: `Basic ${Buffer.from(`aw:${t.a.unsignedKey}`).toString('base64')}`,
      'content-type': 'text/plain; charset=UTF-8',
    };
    const post = (m: unknown) =>
      send(new Request(hook('cloudwatch'), { method: 'POST', headers: basic, body: JSON.stringify(m) }));
    const sub = await post(sns.sign(subscriptionConfirmation()));
    expect(sub.status).toBe(200);
    expect(confirmed).toHaveLength(1);
    const forged = {
      ...sns.sign(subscriptionConfirmation()),
      SubscribeURL: 'https://evil.example.com/?Action=ConfirmSubscription',
    };
    expect((await post(forged)).status).toBe(401);
    expect(confirmed).toHaveLength(1);
    const alarm = await post(sns.sign(notification(fixture('cloudwatch-alarm'))));
    expect(alarm.status).toBe(202);
    const row = await prisma.alert.findFirstOrThrow({ where: { companyId: t.a.id, source: 'CLOUDWATCH' } });
    expect(row).toMatchObject({
      asset: 'i-0abc123def4567890',
      signature: 'web-01-cpu-high',
      status: 'FIRING',
    });
    const tampered = sns.sign(notification(fixture('cloudwatch-alarm'), { MessageId: 'other' }));
    expect((await post({ ...tampered, Message: tampered.Message.replace('web-01', 'web-02') })).status).toBe(
      401,
    );
  });

  it('maps user-written payloads through the company generic mapping', async () => {
    await prisma.genericMapping.create({
      data: {
        mspId: t.a.mspId,
        companyId: t.a.id,
        name: 'zabbix',
        paths: { asset: 'host', signature: 'trigger', severity: 'sev', time: 'clock' },
      },
    });
    const body = { host: 'db-07', trigger: 'Disk low', sev: 'Disaster', clock: 1795723200 };
    const res = await send(
      await signedRequest(`${hook('generic')}?mapping=zabbix`, body, { key: t.a.key, secret: t.a.secret }),
    );
    expect(res.status).toBe(202);
    const missing = await send(
      await signedRequest(`${hook('generic')}?mapping=nope`, body, { key: t.a.key, secret: t.a.secret }),
    );
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { problems: [{ field: 'mapping' }] } });
  });

  it('answers 2xx only after commit, and 503 (never 2xx) when the database fails', async () => {
    const slow = runtime();
    let commitDone = false;
    // Delay the answer to the statement that stored the alerts: the group commit is one statement
    // sent outside an explicit transaction (aw_ingest_group_commit), so PostgreSQL answers it only
    // once its implicit transaction has committed. The 202 must wait for that answer. (A batch
    // with an Idempotency-Key commits in BEGIN … COMMIT: the COMMIT's answer is delayed the same way.)
    const delayed = async (text: string | undefined, storedAlerts: boolean) => {
      if (text?.includes('aw_ingest_group_commit(') || (text === 'COMMIT' && storedAlerts)) {
        commitDone = true;
        await new Promise((r) => setTimeout(r, 300));
      }
    };
    const textOf = (a: unknown[]) => (typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string }).text);
    const slowPool = {
      connect: async () => {
        const client = await pool.connect();
        const query = client.query.bind(client) as (...x: unknown[]) => Promise<unknown>;
        let storedAlerts = false;
        return Object.assign(Object.create(client) as pg.PoolClient, {
          release: (destroy?: boolean) => client.release(destroy),
          query: async (...a: unknown[]) => {
            const out = await query(...a);
            if (textOf(a)?.includes('INSERT INTO "Alert"')) storedAlerts = true;
            await delayed(textOf(a), storedAlerts);
            return out;
          },
        });
      },
      query: async (...a: unknown[]) => {
        const out = await (pool.query as (...x: unknown[]) => Promise<unknown>).apply(pool, a);
        await delayed(textOf(a), false);
        return out;
      },
    } as unknown as pg.Pool;
    slow.writer = new GroupCommitWriter(slowPool, { logger: silentLogger });
    let settled = false;
    const p = send(
      await signedRequest(ALERTS, alert('durable-1'), { key: t.a.key, secret: t.a.secret }),
      slow,
    ).then((r) => {
      settled = true;
      expect(commitDone).toBe(true);
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(settled).toBe(false);
    expect((await p).status).toBe(202);
    expect(await prisma.alert.count({ where: { asset: 'durable-1' } })).toBe(1);

    const broken = runtime();
    const refused = async () =>
      Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const dead = { connect: refused, query: refused } as unknown as pg.Pool;
    broken.writer = new GroupCommitWriter(dead, { logger: silentLogger });
    const res = await send(
      await signedRequest(ALERTS, alert('durable-2'), { key: t.a.key, secret: t.a.secret }),
      broken,
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await prisma.alert.count({ where: { asset: 'durable-2' } })).toBe(0);
  });

  it('group-commits concurrent requests into few transactions', async () => {
    const r = runtime();
    const n = 300;
    // the a2 key was rotated and revoked above: use a fresh one
    const { createApiKey } = await import('./keys.ts');
    const { key } = await createApiKey({
      prisma,
      companyId: t.a2.id,
      actorId: null,
      input: { name: 'load' },
    });
    const signed = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const text = JSON.stringify(alert(`gc-${i}`));
        return new Request(ALERTS, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': key,
            ...(await signatureHeaders(t.a2.secret, text)),
          },
          body: text,
        });
      }),
    );
    const res = await Promise.all(signed.map((q) => send(q, r)));
    expect(res.filter((x) => x.status === 202)).toHaveLength(n);
    expect(await prisma.alert.count({ where: { asset: { startsWith: 'gc-' } } })).toBe(n);
    expect(r.writer.stats.transactions).toBeLessThan(n / 3);
    expect(r.writer.stats.maxBatchRequests).toBeGreaterThan(1);
  });
});
