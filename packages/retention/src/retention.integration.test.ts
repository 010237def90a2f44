// A year of synthetic alerts for two MSPs (decided by the real correlation worker) in monthly
// partitions created by the worker a year ago, then retention: the months past every MSP's window
// are dropped whole, the MSP with the shorter window loses the rest by batched deletes, the table
// keeps only each MSP's window (the longest one up to a month more, until its month drops), the
// number of partitions stays bounded, raw payloads go after their own window, the KPI report for an
// old period and for the whole year is the same as before the drops, a second run finds nothing to
// do, and undecided alerts are never dropped (nor the month that holds one).
import type pg from 'pg';
import { createPool } from '@aw/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CorrelationWorker, kpiReport, poolRunner } from '@aw/correlation';
import { createTenant } from '@aw/correlation/testing';
import { createTestDatabase } from '@aw/db/testing';
import { alertPartitions, ensureAlertPartitions, partitionOf, PARTITIONS_AHEAD } from './partitions.ts';
import { dayCutoff, runRetention } from './retention.ts';

const DAYS = 365;
const UNDECIDED_DAYS = 320;
const DAY_MS = 86_400_000;
const NOW = new Date();
const today = dayCutoff(NOW, 0);
const daysAgo = (d: number) => new Date(today.getTime() - d * DAY_MS);

/** Per day and company: two keys, each three firing alerts and one resolved, with a 2 KB payload. */
async function seedYear(pool: pg.Pool, mspId: string, companyId: string) {
  await pool.query(
    `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
            "occurredAt", "receivedAt", labels, raw)
     SELECT $1, $2, 'NATIVE', k.asset || '/' || k.sig, md5(random()::text || d || k.asset || s.n),
            k.asset, k.sig, 'HIGH', (CASE WHEN s.n = 3 THEN 'RESOLVED' ELSE 'FIRING' END)::"AlertStatus",
            t.at, t.at, '{}'::jsonb, jsonb_build_object('payload', repeat('x', 2000), 'n', s.n)
       FROM generate_series(1, $3::int) d
       CROSS JOIN (VALUES ('web-01', 'cpu_high', 2), ('db-01', 'disk_full', 14)) k(asset, sig, hour)
       CROSS JOIN generate_series(0, 3) s(n)
       CROSS JOIN LATERAL (SELECT $4::timestamp - d * interval '1 day' + k.hour * interval '1 hour'
                                  + s.n * interval '5 minutes' AS at) t
      ORDER BY t.at`,
    [mspId, companyId, DAYS, today.toISOString()],
  );
}

describe.each(inject('pgTargets'))('retention on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let a: { mspId: string; companyId: string };
  let b: { mspId: string; companyId: string };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    // The worker has run for a year: a partition per month from a year back to 3 months ahead.
    const yearAgo = daysAgo(DAYS + 1);
    const months =
      (today.getUTCFullYear() - yearAgo.getUTCFullYear()) * 12 + today.getUTCMonth() - yearAgo.getUTCMonth();
    await ensureAlertPartitions({ pool, clock: () => yearAgo, ahead: months + PARTITIONS_AHEAD });
    for (const slot of ['a', 'b'] as const) {
      const t = await createTenant(pool);
      const companyId = await t.company(`Company ${slot}`);
      await seedYear(pool, t.mspId, companyId);
      if (slot === 'a') a = { mspId: t.mspId, companyId };
      else b = { mspId: t.mspId, companyId };
    }
    // MSP A keeps 90 days of decided alerts and 14 days of payloads; MSP B has no policy (30/180).
    await pool.query(
      `INSERT INTO "RetentionPolicy" ("mspId", "rawPayloadDays", "decidedAlertDays", "updatedAt") VALUES ($1, 14, 90, now())`,
      [a.mspId],
    );
    const w = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0 });
    for (let i = 0; i < 200; i++) {
      await w.sweep();
      const left = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Alert" WHERE decision = 'PENDING'`,
      );
      if (left.rows[0]!.n === 0) break;
    }
    await w.stop();
    // Decided today, but the history is a year long: each incident dates from its first alert.
    await pool.query(`UPDATE "Incident" SET "createdAt" = "firstSeenAt"`);
    // An old alert correlation has not decided (yet): retention must keep it, and its month.
    await pool.query(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
              "occurredAt", "receivedAt", raw)
       VALUES ($1, $2, 'NATIVE', 'late/x', 'late-1', 'late', 'x', 'LOW', 'FIRING', $3::timestamp, $3::timestamp, '{"late":true}')`,
      [a.mspId, a.companyId, daysAgo(UNDECIDED_DAYS).toISOString()],
    );
  }, 600_000);

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const count = async (sql: string, args: unknown[]) =>
    (await pool.query<{ n: number }>(sql, args)).rows[0]!.n;

  it('bounds a year of alerts to each MSP window and keeps the KPIs of old periods', async () => {
    const sql = poolRunner(pool);
    const old = { from: daysAgo(300), to: daysAgo(240) };
    const year = { from: daysAgo(DAYS + 1), to: new Date(NOW.getTime() + 60_000) };
    const recent = { from: daysAgo(7), to: new Date(NOW.getTime() + 60_000) };
    const before = {
      aOld: await kpiReport(sql, { mspId: a.mspId }, old),
      aYear: await kpiReport(sql, { mspId: a.mspId }, year),
      aRecent: await kpiReport(sql, { mspId: a.mspId }, recent),
      bOld: await kpiReport(sql, { mspId: b.mspId }, old),
      bYear: await kpiReport(sql, { mspId: b.mspId, companyId: b.companyId }, year),
    };
    // The seed is not trivial: every alert decided, incidents opened, some deduplicated or resolved.
    expect(before.aYear.noise.alerts).toBe(DAYS * 8 + 1);
    expect(before.aYear.noise.pending).toBe(1);
    expect(before.aOld.noise.incidents).toBeGreaterThan(50);
    expect(before.aOld.topAssets.length).toBe(2);
    const rowsBefore = await count(`SELECT count(*)::int AS n FROM "Alert"`, []);
    expect(rowsBefore).toBe(2 * DAYS * 8 + 1);

    const partitionsBefore = (await alertPartitions(pool)).length;
    const t0 = Date.now();
    const run = await runRetention({ pool, batchSize: 500 });
    const seconds = (Date.now() - t0) / 1000;
    const outcome = run.msps;
    const byMsp = new Map(outcome.map((o) => [o.mspId, o]));
    console.log(
      `[retention] ${rowsBefore} alerts in ${partitionsBefore} partitions; dropped ${run.partitionsDropped.length} ` +
        `partitions (${outcome.reduce((n, o) => n + o.alertsDropped, 0)} alerts), batch-deleted ` +
        `${outcome.reduce((n, o) => n + o.alertsRolledUp, 0)}, cleared ${outcome.reduce((n, o) => n + o.payloadsCleared, 0)} ` +
        `payloads in ${seconds.toFixed(1)} s`,
    );

    // Decided alerts only inside each MSP's window (A: 90 days, by batched deletes), B (the default
    // 180, the longest) from the start of the month of its cutoff: its older months were dropped whole.
    const cutoffA = dayCutoff(NOW, 90);
    const cutoffB = dayCutoff(NOW, 180);
    const left = async (mspId: string) =>
      count(`SELECT count(*)::int AS n FROM "Alert" WHERE "mspId" = $1`, [mspId]);
    const oldestDecided = async (mspId: string) =>
      (
        await pool.query<{ t: Date }>(
          `SELECT min("receivedAt") AS t FROM "Alert" WHERE "mspId" = $1 AND decision <> 'PENDING'`,
          [mspId],
        )
      ).rows[0]!.t;
    expect((await oldestDecided(a.mspId)).getTime()).toBeGreaterThanOrEqual(cutoffA.getTime());
    expect((await oldestDecided(b.mspId)).getTime()).toBeGreaterThanOrEqual(
      partitionOf(cutoffB).from.getTime(),
    );
    const keptA = await left(a.mspId);
    const keptB = await left(b.mspId);
    expect(keptA).toBeLessThanOrEqual(90 * 8 + 1);
    expect(keptB).toBeLessThanOrEqual((180 + 31) * 8);
    expect(keptA).toBeGreaterThan(85 * 8);
    expect(keptB).toBeGreaterThan(179 * 8);
    const gone = (mspId: string) => byMsp.get(mspId)!.alertsRolledUp + byMsp.get(mspId)!.alertsDropped;
    expect(gone(a.mspId) + keptA).toBe(DAYS * 8 + 1);
    expect(gone(b.mspId) + keptB).toBe(DAYS * 8);
    expect(byMsp.get(a.mspId)!.batches).toBeGreaterThan(5); // bounded statements, not one big one
    expect(
      await count(`SELECT count(*)::int AS n FROM "Alert" WHERE "mspId" = $1 AND decision = 'PENDING'`, [
        a.mspId,
      ]),
    ).toBe(1);
    // Whole months went: every month that ends before B's cutoff, except the one with the undecided
    // alert, whose other alerts went by batched deletes. Most of B's year left by drops.
    const blocked = partitionOf(daysAgo(UNDECIDED_DAYS)).name;
    expect(run.partitionsBlocked).toEqual([blocked]);
    expect(run.partitionsDropped.length).toBeGreaterThanOrEqual(4);
    const monthsLeft = await alertPartitions(pool);
    expect(monthsLeft.filter((m) => m.name !== blocked).every((m) => m.to > cutoffB)).toBe(true);
    expect(monthsLeft.length).toBeLessThanOrEqual(1 + 7 + 1 + PARTITIONS_AHEAD);
    expect(byMsp.get(b.mspId)!.alertsDropped).toBeGreaterThan(byMsp.get(b.mspId)!.alertsRolledUp);
    expect(
      await count(`SELECT count(*)::int AS n FROM "Alert" WHERE tableoid = '"Alert_default"'::regclass`, []),
    ).toBe(0);
    // The dedup claims went with their alerts.
    expect(await count(`SELECT count(*)::int AS n FROM "AlertDedupKey"`, [])).toBe(keptA + keptB);

    // The rollup is bounded by days × groups, not by alerts.
    const rollup = await count(`SELECT count(*)::int AS n FROM "AlertDailyRollup" WHERE "mspId" = $1`, [
      a.mspId,
    ]);
    const groups = await count(
      `SELECT count(*)::int AS n FROM (SELECT DISTINCT "companyId", day, asset, signature, decision, "incidentId"
         FROM "AlertDailyRollup" WHERE "mspId" = $1) g`,
      [a.mspId],
    );
    expect(rollup).toBe(groups);
    // At most one row per rolled-up day, key (2) and decision (3), whatever the number of alerts.
    expect(rollup).toBeLessThanOrEqual((DAYS - 90) * 2 * 3);

    // Raw payloads: emptied past each MSP's payload window, kept inside it.
    const payloads = async (mspId: string, days: number, older: boolean) =>
      count(
        `SELECT count(*)::int AS n FROM "Alert" WHERE "mspId" = $1 AND raw <> '{}'::jsonb
           AND ("receivedAt" < $2::timestamp) = $3`,
        [mspId, new Date(NOW.getTime() - days * DAY_MS).toISOString(), older],
      );
    expect(await payloads(a.mspId, 14, true)).toBe(0);
    expect(await payloads(a.mspId, 14, false)).toBeGreaterThanOrEqual(13 * 8);
    expect(await payloads(b.mspId, 30, true)).toBe(0);
    expect(await payloads(b.mspId, 30, false)).toBeGreaterThanOrEqual(29 * 8);

    // KPIs: the same report for the old period, the whole year and the recent week.
    expect(await kpiReport(sql, { mspId: a.mspId }, old)).toEqual(before.aOld);
    expect(await kpiReport(sql, { mspId: a.mspId }, year)).toEqual(before.aYear);
    expect(await kpiReport(sql, { mspId: a.mspId }, recent)).toEqual(before.aRecent);
    expect(await kpiReport(sql, { mspId: b.mspId }, old)).toEqual(before.bOld);
    expect(await kpiReport(sql, { mspId: b.mspId, companyId: b.companyId }, year)).toEqual(before.bYear);

    // Idempotent: nothing more to do, the rollup unchanged.
    const rollupRows = await count(`SELECT count(*)::int AS n FROM "AlertDailyRollup"`, []);
    const again = await runRetention({ pool, batchSize: 500 });
    expect(again.msps.map((o) => [o.alertsRolledUp, o.alertsDropped, o.payloadsCleared])).toEqual(
      again.msps.map(() => [0, 0, 0]),
    );
    expect(again.partitionsDropped).toEqual([]);
    expect(await count(`SELECT count(*)::int AS n FROM "AlertDailyRollup"`, [])).toBe(rollupRows);
  });

  it('a year later only the undecided alert and its month are left, and the rollup still counts every alert', async () => {
    const clock = () => new Date(NOW.getTime() + DAYS * DAY_MS);
    const keptBefore = await count(`SELECT count(*)::int AS n FROM "Alert" WHERE "mspId" = $1`, [a.mspId]);
    const run = await runRetention({ pool, batchSize: 500, clock });
    // A year later, everything is past its window except the undecided alert.
    expect(await count(`SELECT count(*)::int AS n FROM "Alert" WHERE "mspId" = $1`, [a.mspId])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM "Alert" WHERE "mspId" = $1`, [b.mspId])).toBe(0);
    expect(keptBefore).toBeGreaterThan(1);
    expect((await alertPartitions(pool)).map((m) => m.name)).toEqual([
      partitionOf(daysAgo(UNDECIDED_DAYS)).name,
    ]);
    expect(run.partitionsDropped.length).toBeGreaterThanOrEqual(7);
    for (const t of [a, b])
      expect(
        await count(`SELECT COALESCE(sum(alerts), 0)::int AS n FROM "AlertDailyRollup" WHERE "mspId" = $1`, [
          t.mspId,
        ]),
      ).toBe(DAYS * 8);
    expect(await count(`SELECT count(*)::int AS n FROM "AlertDedupKey"`, [])).toBe(1);
  });
});
