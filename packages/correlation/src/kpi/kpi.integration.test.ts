import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant, storeAlerts, type StoredAlertInput } from '../testing/fixtures.ts';
import { backtest, type BacktestProgress } from '../backtest/index.ts';
import { decideAlert } from '../engine/pipeline.ts';
import { poolRunner } from '../sql-runner.ts';
import { q } from '../store/sql.ts';
import { CorrelationWorker } from '../store/worker.ts';
import { kpiCsv, kpiReport, toCsv } from './index.ts';

const T0 = Date.now() - 3600_000;
const at = (min: number) => new Date(T0 + min * 60_000);
const period = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) };

function stream(): StoredAlertInput[] {
  const s: StoredAlertInput[] = [];
  for (let i = 0; i < 10; i++) s.push({ occurredAt: at(i * 0.5) }); // 1 incident, 9 dedup
  for (let h = 0; h < 5; h++) s.push({ asset: `web-0${h}`, signature: 'http_5xx', occurredAt: at(1 + h) }); // 5 incidents
  s.push({ asset: 'maint-01', signature: 'cpu_high', occurredAt: at(2) }); // suppressed
  s.push({ asset: 'web-00', signature: 'http_5xx', status: 'RESOLVED', occurredAt: at(20) }); // auto-resolves
  return s;
}

describe.each(inject('pgTargets'))('KPIs and backtest on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let mspId: string;
  let companyId: string;
  let other: string;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    const t = await createTenant(pool);
    mspId = t.mspId;
    companyId = await t.company('Acme');
    other = await t.company('Other');
    await q(
      pool,
      `INSERT INTO "MaintenanceWindow" ("mspId", "companyId", name, matchers, "startsAt", "endsAt", "updatedAt")
       VALUES ($1, $2, 'mw', '[{"field":"asset","op":"=","value":"maint-01"}]', $3::timestamp, $4::timestamp, now())`,
      [mspId, companyId, at(-10).toISOString(), at(100).toISOString()],
    );
    await storeAlerts(pool, mspId, companyId, stream());
    await storeAlerts(pool, mspId, other, [{ asset: 'x', signature: 'y', occurredAt: at(0) }]);
    const w = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0 });
    await w.sweep();
    await w.stop();
    // a technician resolves disk_full after 30 min; a runbook healed web-01
    await q(
      pool,
      `UPDATE "Incident" SET status = 'RESOLVED', "openKey" = NULL, resolution = 'MANUAL',
              "resolvedAt" = "firstSeenAt" + interval '30 minutes' WHERE "companyId" = $1 AND signature = 'disk_full'`,
      [companyId],
    );
    const rb = await q<{ id: string }>(
      pool,
      `INSERT INTO "Runbook" ("mspId", name, "documentName", "updatedAt") VALUES ($1, 'clean', 'AWS-RunShellScript', now()) RETURNING id`,
      [mspId],
    );
    const inc = await q<{ id: string }>(
      pool,
      `UPDATE "Incident" SET status = 'RESOLVED', "openKey" = NULL, resolution = 'RUNBOOK',
              "resolvedAt" = "firstSeenAt" + interval '4 minutes' WHERE "companyId" = $1 AND asset = 'web-01' RETURNING id`,
      [companyId],
    );
    await q(
      pool,
      `INSERT INTO "RunbookExecution" ("mspId", "companyId", "runbookId", "incidentId", status, automatic, "updatedAt")
       VALUES ($1, $2, $3, $4, 'SUCCESS', true, now())`,
      [mspId, companyId, rb.rows[0]!.id, inc.rows[0]!.id],
    );
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('computes noise reduction with dedup and suppression counted separately', async () => {
    const r = await kpiReport(poolRunner(pool), { mspId, companyId }, period);
    expect(r.noise).toMatchObject({
      alerts: 17,
      decided: 17,
      incidents: 6,
      deduplicated: 9,
      suppressed: 1,
      inhibited: 0,
      resolvedSignals: 1,
      correlated: 6,
    });
    expect(r.noise.noiseReductionPct).toBeCloseTo((1 - 6 / 17) * 100, 1);
    expect(r.noise.deduplicatedPct).toBeCloseTo((9 / 17) * 100, 1);
    const msp = await kpiReport(poolRunner(pool), { mspId }, period);
    expect(msp.noise.alerts).toBe(18);
    expect(msp.noise.incidents).toBe(7);
  });

  it('counts alerts correlation gave up on (FAILED) explicitly, outside the decided ones', async () => {
    const t = await createTenant(pool);
    const c = await t.company('Failing');
    await storeAlerts(pool, t.mspId, c, [
      { asset: 'ok', signature: 'x', occurredAt: at(0) },
      { asset: 'bad', signature: 'poison', occurredAt: at(1) },
    ]);
    const w = new CorrelationWorker({
      pool,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      logger: { error() {}, warn() {} },
      budget: {
        maxAttempts: 1,
        decide: (state, a, ctx) => {
          if (a.signature === 'poison') throw new Error('boom');
          return decideAlert(state, a, ctx);
        },
      },
    });
    await w.drainCompany(c);
    await w.stop();
    const r = await kpiReport(poolRunner(pool), { mspId: t.mspId, companyId: c }, period);
    expect(r.noise).toMatchObject({ alerts: 2, decided: 1, pending: 0, failed: 1, incidents: 1 });
    expect(r.noise.noiseReductionPct).toBe(0);
    const csv = kpiCsv(r, 'noise').split('\r\n');
    expect(csv[0]).toMatch(/,failed$/);
    expect(csv[1]).toMatch(/,1$/);
  });

  it('splits MTTR per signature into manual and automated, and measures self-healing', async () => {
    const r = await kpiReport(poolRunner(pool), { mspId, companyId }, period);
    const disk = r.mttr.find((m) => m.signature === 'disk_full')!;
    expect(disk).toMatchObject({ resolved: 1, manualCount: 1, manualMttrMinutes: 30, automatedCount: 0 });
    const http = r.mttr.find((m) => m.signature === 'http_5xx')!;
    expect(http).toMatchObject({
      resolved: 2,
      manualCount: 0,
      automatedCount: 2,
      autoCount: 1,
      runbookCount: 1,
    });
    expect(http.automatedMttrMinutes).toBeCloseTo((19 + 4) / 2, 1); // web-00: 1 → 20 min, web-01: 4 min
    expect(r.selfHealed).toMatchObject({
      resolved: 3,
      selfHealed: 1,
      automaticExecutions: 1,
      automaticSucceeded: 1,
    });
    expect(r.selfHealed.selfHealedPct).toBeCloseTo(33.33, 1);
    expect(r.topAssets[0]).toMatchObject({
      value: 'server-prod-01',
      alerts: 10,
      incidents: 1,
      deduplicated: 9,
    });
    expect(r.topSignatures[0]).toMatchObject({ value: 'disk_full', alerts: 10 });
  });

  it('exports each KPI as CSV', async () => {
    const r = await kpiReport(poolRunner(pool), { mspId, companyId }, period);
    const noise = kpiCsv(r, 'noise').split('\r\n');
    expect(noise[0]).toMatch(/^from,to,alerts,decided/);
    expect(noise[1]).toContain(',17,17,0,6,');
    expect(kpiCsv(r, 'mttr')).toMatch(/^signature,resolved,manualCount/);
    expect(kpiCsv(r, 'top-assets').split('\r\n')[1]).toBe('server-prod-01,10,1,9,0,0');
    expect(kpiCsv(r, 'self-healed')).toContain('selfHealedPct');
    expect(toCsv([{ a: 'x,"y"', b: '=cmd()' }], ['a', 'b'])).toBe('a,b\r\n"x,""y""",\'=cmd()\r\n');
  });

  it('backtests a candidate configuration next to the current one, in batches with progress', async () => {
    const progress: BacktestProgress[] = [];
    const r = await backtest({
      sql: poolRunner(pool),
      companyId,
      from: period.from,
      to: period.to,
      candidate: { aggregationKey: 'signature' },
      batchSize: 4,
      onProgress: (p) => progress.push(p),
    });
    expect(r.alerts).toBe(17);
    expect(r.current.incidents).toBe(6); // the stored reality, replayed
    expect(r.candidate.incidents).toBe(2); // disk_full + http_5xx (web-00 resolve leaves the group firing)
    expect(r.candidate.noiseReductionPct).toBeGreaterThan(r.current.noiseReductionPct!);
    // Situations never outnumber incidents, on either side.
    expect(r.current.situations).toBeGreaterThan(0);
    expect(r.current.situations).toBeLessThanOrEqual(r.current.incidents);
    expect(r.candidate.situations).toBeLessThanOrEqual(r.candidate.incidents);
    expect(r.current.largestGroups[0]).toMatchObject({ key: 'server-prod-01|disk_full', alertCount: 10 });
    expect(progress.at(-1)).toMatchObject({ processed: 17, total: 17, pct: 100 });
    expect(progress.length).toBeGreaterThanOrEqual(5);
    await expect(
      backtest({
        sql: poolRunner(pool),
        companyId,
        from: period.from,
        to: period.to,
        candidate: { windowMinutes: 0 },
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
