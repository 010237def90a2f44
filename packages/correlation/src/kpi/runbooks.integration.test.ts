import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant } from '../testing/fixtures.ts';
import { poolRunner } from '../sql-runner.ts';
import { q } from '../store/sql.ts';
import { kpiCsv, kpiReport, runbookTable } from './index.ts';

const H = Date.now() - 6 * 3600_000;
const at = (min: number) => new Date(H + min * 60_000).toISOString();
const period = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) };

const target = inject('pgTargets')[0]!;

describe(`runbook KPIs on ${target.name}`, () => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let mspId: string;
  let acme: string;
  let other: string;

  async function incident(
    companyId: string,
    signature: string,
    resolution: string | null,
    minutes: number,
    start: number,
  ) {
    const r = await q<{ id: string }>(
      pool,
      `INSERT INTO "Incident" ("mspId", "companyId", "correlationKey", title, asset, signature, source, severity,
              status, "windowStart", "windowEnd", "firstSeenAt", "lastSeenAt", "resolvedAt", resolution, "updatedAt")
       VALUES ($1, $2, $3, 't', 'a', $4, 'NATIVE', 'HIGH', $5::"IncidentStatus", $6::timestamp, $6::timestamp,
               $6::timestamp, $6::timestamp, $7::timestamp, $8::"ResolutionKind", now()) RETURNING id`,
      [
        mspId,
        companyId,
        `k-${Math.random()}`,
        signature,
        resolution ? 'RESOLVED' : 'OPEN',
        at(start),
        resolution ? at(start + minutes) : null,
        resolution,
      ],
    );
    return r.rows[0]!.id;
  }
  async function execution(
    companyId: string,
    runbookId: string,
    incidentId: string | null,
    status: string,
    seconds: number | null,
  ) {
    await q(
      pool,
      `INSERT INTO "RunbookExecution" ("mspId", "companyId", "runbookId", "incidentId", status, automatic,
              "startedAt", "finishedAt", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5::"ExecutionStatus", true, $6::timestamp, $7::timestamp, $6::timestamp, now())`,
      [
        mspId,
        companyId,
        runbookId,
        incidentId,
        status,
        at(100),
        seconds === null ? null : new Date(Date.parse(at(100)) + seconds * 1000).toISOString(),
      ],
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    const t = await createTenant(pool);
    mspId = t.mspId;
    acme = await t.company('Acme');
    other = await t.company('Other');
    const rb = async (name: string) =>
      (
        await q<{ id: string }>(
          pool,
          `INSERT INTO "Runbook" ("mspId", name, "documentName", "updatedAt") VALUES ($1, $2, $2, now()) RETURNING id`,
          [mspId, name],
        )
      ).rows[0]!.id;
    const disk = await rb('MSP-DiskCleanup');
    const svc = await rb('MSP-ServiceRestart');
    // Manual baseline for disk_full: 60 and 40 minutes (mean 50).
    await incident(acme, 'disk_full', 'MANUAL', 60, 0);
    await incident(acme, 'disk_full', 'MANUAL', 40, 10);
    // Two incidents healed by MSP-DiskCleanup in 8 and 12 minutes: 42 + 38 = 80 minutes saved.
    await execution(acme, disk, await incident(acme, 'disk_full', 'RUNBOOK', 8, 20), 'SUCCESS', 30);
    await execution(acme, disk, await incident(acme, 'disk_full', 'RUNBOOK', 12, 30), 'SUCCESS', 50);
    await execution(acme, disk, await incident(acme, 'disk_full', null, 0, 40), 'FAILED', 70);
    await execution(acme, disk, await incident(acme, 'disk_full', null, 0, 41), 'REFUSED', null);
    await execution(acme, disk, null, 'PENDING_APPROVAL', null);
    // A runbook with no manual baseline for its signature: time saved unknown, not 0.
    await execution(acme, svc, await incident(acme, 'service_down', 'RUNBOOK', 5, 50), 'SUCCESS', 20);
    // Another company's run never counts for Acme.
    await execution(other, disk, await incident(other, 'disk_full', 'RUNBOOK', 1, 60), 'SUCCESS', 10);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('runbook table: runs, success rate, median duration, time saved against the manual MTTR', async () => {
    const rows = await runbookTable(poolRunner(pool), { mspId, companyId: acme }, period);
    expect(rows).toEqual([
      {
        runbook: 'MSP-DiskCleanup',
        executions: 4,
        succeeded: 2,
        failed: 1,
        refused: 1,
        successRatePct: 66.67,
        medianDurationSeconds: 50,
        incidentsHealed: 2,
        timeSavedMinutes: 80,
      },
      {
        runbook: 'MSP-ServiceRestart',
        executions: 1,
        succeeded: 1,
        failed: 0,
        refused: 0,
        successRatePct: 100,
        medianDurationSeconds: 20,
        incidentsHealed: 1,
        timeSavedMinutes: null,
      },
    ]);
    const all = await runbookTable(poolRunner(pool), { mspId }, period);
    expect(all.find((r) => r.runbook === 'MSP-DiskCleanup')?.executions).toBe(5);
  });

  it('self-healed %, MTTR manual vs automated and the CSV come with the report', async () => {
    const r = await kpiReport(poolRunner(pool), { mspId, companyId: acme }, period);
    expect([r.selfHealed.resolved, r.selfHealed.selfHealed, r.selfHealed.selfHealedPct]).toEqual([5, 3, 60]);
    const disk = r.mttr.find((m) => m.signature === 'disk_full')!;
    expect([disk.manualMttrMinutes, disk.automatedMttrMinutes, disk.runbookCount]).toEqual([50, 10, 2]);
    expect(kpiCsv(r, 'runbooks').split('\r\n').slice(0, 2)).toEqual([
      'runbook,executions,succeeded,failed,refused,successRatePct,medianDurationSeconds,incidentsHealed,timeSavedMinutes',
      'MSP-DiskCleanup,4,2,1,1,66.67,50,2,80',
    ]);
  });
});
