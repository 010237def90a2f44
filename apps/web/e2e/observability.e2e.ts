// Issue 18 (observability) against the real server the launcher starts: liveness, readiness with
// its checks, the Prometheus scrape after a refused webhook, and the request id on every answer.
import { expect, test } from '@playwright/test';

test('health, readiness, /metrics and request ids on the running app', async ({ request }) => {
  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  expect(health.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

  const ready = await request.get('/api/ready');
  expect(ready.status()).toBe(200);
  const r = (await ready.json()) as {
    ready: boolean;
    checks: { database: { ok: boolean }; migrations: { ok: boolean; expected: number; missing: string[] } };
  };
  expect(r.ready).toBe(true);
  expect(r.checks.database.ok).toBe(true);
  expect(r.checks.migrations.missing).toEqual([]);
  expect(r.checks.migrations.expected).toBeGreaterThan(5);

  // A refused webhook (no credentials), with a proxy's request id that the answer keeps.
  const refused = await request.post('/api/v1/webhooks/alertmanager', {
    data: { alerts: [] },
    headers: { 'x-request-id': 'e2e-obs-1' },
  });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['x-request-id']).toBe('e2e-obs-1');

  const metrics = await request.get('/metrics');
  expect(metrics.status()).toBe(200);
  expect(metrics.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await metrics.text();
  expect(text).toMatch(/^aw_ingest_rejections_total\{source="alertmanager",reason="unauthorized"\} [1-9]/m);
  expect(text).toMatch(/^aw_database_up 1$/m);
  expect(text).toMatch(/^aw_alerts_pending \d+$/m);
  expect(text).toMatch(/^aw_process_resident_memory_bytes \d+/m);
});
