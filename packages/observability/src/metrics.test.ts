// The metrics over HTTP, as Prometheus scrapes them: the text format parsed back, figures checked.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsAuthorized, metricsResponse, serveMetrics } from './http.ts';
import { createAppMetrics, type AppMetrics } from './metrics.ts';
import type { Queryable } from './database-gauges.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function scrape(metrics: AppMetrics): Promise<{ res: Response; samples: Map<string, number> }> {
  const server = await serveMetrics(metrics, { port: 0, host: '127.0.0.1' });
  closers.push(server.close);
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  const samples = new Map<string, number>();
  for (const line of (await res.clone().text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    samples.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return { res, samples };
}

function fakeDb(answer: (sql: string) => unknown[] | Promise<never>): Queryable & { calls: number } {
  const db = {
    calls: 0,
    async query(sql: string) {
      db.calls++;
      return { rows: (await answer(sql)) as never[] };
    },
  };
  return db;
}

describe('app metrics (Prometheus text over HTTP)', () => {
  it('counts ingest requests by source and status, and rejections by reason', async () => {
    const m = createAppMetrics();
    m.ingest('alertmanager', 202);
    m.ingest('alertmanager', 202);
    m.ingest('native', 401);
    m.ingest('native', 429);
    m.ingest('grafana', 413);
    const { res, samples } = await scrape(m);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples.get('aw_ingest_requests_total{source="alertmanager",status="202"}')).toBe(2);
    expect(samples.get('aw_ingest_requests_total{source="native",status="401"}')).toBe(1);
    expect(samples.get('aw_ingest_rejections_total{source="native",reason="unauthorized"}')).toBe(1);
    expect(samples.get('aw_ingest_rejections_total{source="native",reason="rate_limited"}')).toBe(1);
    expect(samples.get('aw_ingest_rejections_total{source="grafana",reason="too_large"}')).toBe(1);
    // An accepted request is no rejection.
    expect([...samples.keys()].some((k) => k.includes('source="alertmanager",reason'))).toBe(false);
  });

  it('records commit batch sizes and open SSE connections', async () => {
    const m = createAppMetrics();
    m.commitBatch(3, 40);
    m.commitBatch(1, 1);
    m.sseOpened();
    m.sseOpened();
    m.sseClosed();
    const { samples } = await scrape(m);
    expect(samples.get('aw_ingest_commit_batch_requests_count')).toBe(2);
    expect(samples.get('aw_ingest_commit_batch_requests_sum')).toBe(4);
    expect(samples.get('aw_ingest_commit_batch_alerts_sum')).toBe(41);
    expect(samples.get('aw_ingest_commit_batch_alerts_bucket{le="1"}')).toBe(1);
    expect(samples.get('aw_ingest_commit_batch_alerts_bucket{le="50"}')).toBe(2);
    expect(samples.get('aw_sse_connections')).toBe(1);
    expect(samples.get('aw_sse_connections_opened_total')).toBe(2);
  });

  it('records how long group commits, writer waits and correlation turns took', async () => {
    const m = createAppMetrics();
    m.commitBatch(3, 40, 0.004);
    m.commitBatch(1, 1, 0.3);
    m.intakeWrite(0.002);
    m.intakeWrite(0.02);
    m.intakeWrite(0.6);
    m.correlationTurn(120, 0.08);
    const { samples } = await scrape(m);
    expect(samples.get('aw_ingest_commit_seconds_count')).toBe(2);
    expect(samples.get('aw_ingest_commit_seconds_bucket{le="0.005"}')).toBe(1);
    expect(samples.get('aw_ingest_commit_seconds_bucket{le="0.25"}')).toBe(1);
    expect(samples.get('aw_ingest_commit_seconds_bucket{le="0.5"}')).toBe(2);
    expect(samples.get('aw_ingest_write_seconds_count')).toBe(3);
    expect(samples.get('aw_ingest_write_seconds_bucket{le="0.025"}')).toBe(2);
    expect(samples.get('aw_correlation_turn_seconds_count')).toBe(1);
    expect(samples.get('aw_correlation_turn_seconds_bucket{le="0.05"}')).toBe(0);
    expect(samples.get('aw_correlation_turn_seconds_bucket{le="0.1"}')).toBe(1);
    expect(samples.get('aw_correlation_turn_alerts_sum')).toBe(120);
    // The turn by stage: one histogram, a series per stage.
    m.correlationTurn(10, 0.05, { open: 0.002, write: 0.03, link: 0.018 });
    const staged = await scrape(m);
    expect(staged.samples.get('aw_correlation_turn_seconds_count')).toBe(2);
    expect(staged.samples.get('aw_correlation_turn_stage_seconds_count{stage="write"}')).toBe(1);
    expect(staged.samples.get('aw_correlation_turn_stage_seconds_sum{stage="link"}')).toBeCloseTo(0.018);
    expect(staged.samples.get('aw_correlation_turn_stage_seconds_bucket{le="0.0025",stage="open"}')).toBe(1);
    expect(staged.samples.get('aw_correlation_turn_stage_seconds_bucket{le="0.025",stage="write"}')).toBe(0);
    expect(staged.samples.has('aw_correlation_turn_stage_seconds_count{stage="commit"}')).toBe(false);
    // A commit recorded without its duration (older callers) counts its batch, not a duration.
    m.commitBatch(2, 2);
    const again = await scrape(m);
    expect(again.samples.get('aw_ingest_commit_batch_requests_count')).toBe(3);
    expect(again.samples.get('aw_ingest_commit_seconds_count')).toBe(2);
  });

  it('reads the cluster-wide gauges from the database once per scrape', async () => {
    const m = createAppMetrics();
    const db = fakeDb((sql) => {
      if (sql.includes('"Alert"')) return [{ n: 7, oldest: 42.5 }];
      if (sql.includes('"Job"'))
        return [
          { name: 'runbook.execute', state: 'QUEUED', n: 3 },
          { name: 'runbook.execute', state: 'ACTIVE', n: 1 },
        ];
      if (sql.includes('"PatchComplianceSync"'))
        return [
          { status: 'SUCCEEDED', n: 4 },
          { status: 'FAILED', n: 2 },
        ];
      return [{ status: 'SUCCESS', n: 5 }];
    });
    m.attachDatabase(db);
    const { samples } = await scrape(m);
    expect(samples.get('aw_database_up')).toBe(1);
    expect(samples.get('aw_alerts_pending')).toBe(7);
    expect(samples.get('aw_alerts_decided_lag_seconds')).toBe(42.5);
    expect(samples.get('aw_jobs{name="runbook.execute",state="QUEUED"}')).toBe(3);
    expect(samples.get('aw_jobs{name="runbook.execute",state="ACTIVE"}')).toBe(1);
    expect(samples.get('aw_runbook_executions{status="SUCCESS"}')).toBe(5);
    expect(samples.get('aw_compliance_syncs{status="SUCCEEDED"}')).toBe(4);
    expect(samples.get('aw_compliance_syncs{status="FAILED"}')).toBe(2);
    expect(db.calls).toBe(4);
  });

  it('answers within the timeout with aw_database_up 0 when the database hangs', async () => {
    const m = createAppMetrics();
    m.attachDatabase(
      fakeDb(() => new Promise<never>(() => undefined)),
      { timeoutMs: 200 },
    );
    const started = Date.now();
    const { res, samples } = await scrape(m);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(samples.get('aw_database_up')).toBe(0);
    // Unknown is reported as NaN, never as a reassuring 0.
    expect(samples.get('aw_alerts_pending')).toBeNaN();
    expect(samples.get('aw_alerts_decided_lag_seconds')).toBeNaN();
  });

  it('serves only /metrics, liveness and (when given a check) readiness', async () => {
    const server = await serveMetrics(createAppMetrics(), { port: 0, host: '127.0.0.1' });
    closers.push(server.close);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.port}/api/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.port}/api/ready`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    let ready = false;
    const checked = await serveMetrics(createAppMetrics(), {
      port: 0,
      host: '127.0.0.1',
      ready: async () => ({
        ready,
        checks: {
          database: { ok: ready },
          migrations: { ok: ready, expected: 1, applied: ready ? 1 : 0, missing: ready ? [] : ['m1'] },
        },
      }),
    });
    closers.push(checked.close);
    const notReady = await fetch(`http://127.0.0.1:${checked.port}/api/ready`);
    expect(notReady.status).toBe(503);
    expect(
      ((await notReady.json()) as { checks: { migrations: { missing: string[] } } }).checks.migrations
        .missing,
    ).toEqual(['m1']);
    ready = true;
    expect((await fetch(`http://127.0.0.1:${checked.port}/api/ready`)).status).toBe(200);
  });

  it('with a token, /metrics answers 401 without it or with a wrong one, and the figures with it', async () => {
    const m = createAppMetrics();
    m.ingest('native', 202);
    const token = 'scrape-token-0123456789abcdef';
    const server = await serveMetrics(m, { port: 0, host: '127.0.0.1', token });
    closers.push(server.close);
    const url = `http://127.0.0.1:${server.port}/metrics`;
    for (const authorization of [
      undefined,
      'Bearer wrong-token',
      `Basic ${token}`,
      `Bearer ${token}x`,
      'Bearer ',
    ]) {
      const r = await fetch(url, { headers: authorization ? { authorization } : {} });
      expect([authorization, r.status]).toEqual([authorization, 401]);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await r.text()).not.toContain('aw_ingest');
    }
    const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('aw_ingest_requests_total{source="native",status="202"} 1');
    // Probes carry no token: health stays open.
    expect((await fetch(`http://127.0.0.1:${server.port}/api/health`)).status).toBe(200);
  });

  it('metricsResponse (the web route) applies the same token rule', async () => {
    const m = createAppMetrics();
    expect((await metricsResponse(m, { authorization: null, token: 't'.repeat(20) })).status).toBe(401);
    expect(
      (await metricsResponse(m, { authorization: `Bearer ${'t'.repeat(20)}`, token: 't'.repeat(20) })).status,
    ).toBe(200);
    expect((await metricsResponse(m, {})).status).toBe(200);
    expect(metricsAuthorized('bearer abc', 'abc')).toBe(true);
    expect(metricsAuthorized('Bearer abd', 'abc')).toBe(false);
  });

  it('is valid Prometheus text format for promtool, with the database down too', async () => {
    const m = createAppMetrics({ defaults: true });
    m.ingest('native', 202);
    m.ingest('native', 401);
    m.commitBatch(2, 7);
    m.attachDatabase(fakeDb(() => Promise.reject(new Error('down'))));
    const text = await m.render();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (r.error) throw new Error(`promtool is not installed (Debian package prometheus): ${r.error.message}`);
    // Lint remarks about Node's default metric names are fine; a parse error is not.
    expect(r.stdout + r.stderr).not.toMatch(/parsing error|error while linting/);
    const broken = spawnSync('promtool', ['check', 'metrics'], { input: 'aw_x{a="1" 1\n', encoding: 'utf8' });
    expect(broken.stdout + broken.stderr).toMatch(/parsing error/);
  });
});
