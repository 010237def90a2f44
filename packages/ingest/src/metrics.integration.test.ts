// /metrics after real webhook traffic: requests through the ingestion HTTP server, then a scrape of
// the process's metrics shows the requests by source and status, the rejections by reason, the
// commit batches, and (read from the database) the alerts waiting for correlation.
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { appMetrics, serveMetrics } from '@aw/observability';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIngestRuntime, type IngestRuntime } from './handler.ts';
import { serveIngest } from './server.ts';
import { createTenants, signedRequest, TEST_ENCRYPTION_KEY } from './testing/tenants.ts';
import { silentLogger } from './types.ts';

function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe.each(inject('pgTargets'))('ingest metrics on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let rt: IngestRuntime;
  let ingest: { url: string; close(): Promise<void> };
  let metrics: { port: number; close(): Promise<void> };
  let t: Awaited<ReturnType<typeof createTenants>>;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 2 });
    pool = createPool(db.url, { max: 4 });
    t = await createTenants(prisma);
    rt = createIngestRuntime({ pool, encryptionKey: TEST_ENCRYPTION_KEY, logger: silentLogger });
    ingest = await serveIngest(rt, { port: 0, host: '127.0.0.1' });
    // A fresh attachment per target: the process registry reads this database at scrape time.
    appMetrics().attachDatabase(pool);
    metrics = await serveMetrics(appMetrics(), { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await metrics.close();
    await ingest.close();
    await rt.close();
    await pool.end();
    await prisma.$disconnect();
    await db.drop();
  });

  const scrape = async () => parse(await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text());
  const v = (m: Map<string, number>, k: string) => m.get(k) ?? 0;

  it('counts accepted and refused webhooks, commit batches, and pending alerts', async () => {
    const before = await scrape();
    const alerts = [0, 1, 2].map((i) => ({
      asset: `web-0${i}`,
      signature: 'disk_full',
      severity: 'high',
      occurredAt: '2026-11-26T20:00:00Z',
    }));
    const ok = await fetch(
      await signedRequest(`${ingest.url}/api/v1/alerts`, alerts, { key: t.a.key, secret: t.a.secret }),
    );
    expect(ok.status).toBe(202);
    const wrongKey = await fetch(`${ingest.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { authorization: 'Bearer aw_wrong', 'content-type': 'application/json' },
      body: '[]',
    });
    expect(wrongKey.status).toBe(401);
    const unknown = await fetch(`${ingest.url}/api/v1/webhooks/nagios`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(400);

    await new Promise((r) => setTimeout(r, 300)); // past the 250 ms reuse of one database read
    const after = await scrape();
    const d = (k: string) => v(after, k) - v(before, k);
    expect(d('aw_ingest_requests_total{source="native",status="202"}')).toBe(1);
    expect(d('aw_ingest_requests_total{source="native",status="401"}')).toBe(1);
    expect(d('aw_ingest_rejections_total{source="native",reason="unauthorized"}')).toBe(1);
    expect(d('aw_ingest_rejections_total{source="unknown",reason="invalid"}')).toBe(1);
    expect(d('aw_ingest_commit_batch_alerts_count')).toBe(1);
    expect(d('aw_ingest_commit_batch_alerts_sum')).toBe(3);
    // The commit's duration and the accepted request's time in the writer (its 202 waited for both).
    expect(d('aw_ingest_commit_seconds_count')).toBe(1);
    expect(d('aw_ingest_commit_seconds_sum')).toBeGreaterThan(0);
    expect(d('aw_ingest_write_seconds_count')).toBe(1);
    expect(d('aw_ingest_write_seconds_sum')).toBeGreaterThanOrEqual(d('aw_ingest_commit_seconds_sum'));
    // Nothing decides alerts in this test: the three wait, and the oldest one's age is the lag.
    expect(v(after, 'aw_database_up')).toBe(1);
    expect(v(after, 'aw_alerts_pending')).toBe(3);
    expect(v(after, 'aw_alerts_decided_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(v(after, 'aw_alerts_decided_lag_seconds')).toBeLessThan(60);
  });
});
