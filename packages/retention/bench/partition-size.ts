// `npx tsx packages/retention/bench/partition-size.ts [alertsPerDay]`: monthly or weekly partitions of
// "Alert", and what either costs against the table before partitioning? The same 180 days of alerts
// (the default window) plus 3 periods ahead, in monthly partitions (what the migration and the
// worker create), in weekly ones, and in one plain table as before the migration (primary key id,
// unique ("companyId", "dedupKey"), no dedup trigger), on a throwaway embedded PostgreSQL 17; then
// the intake insert and the statements whose cost grows with the number of partitions because they
// cannot be pruned by time (they do not name "occurredAt"), timed alternately:
//   intake  — the intake writer's insert of 100 alerts (ON CONFLICT, dedup trigger), current period
//   pending — correlation's read of a company's PENDING alerts (ORDER BY id LIMIT 500)
//   byId    — correlation's update of 100 alerts by id (SET "incidentId" … WHERE id = ANY)
//   exists  — the sweep's "has this company PENDING alerts" probe
// Prints the median per statement for each layout and the ratios weekly / monthly and monthly / plain.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createTestDatabase } from '@aw/db/testing';
import { createTenant } from '../../correlation/src/testing/fixtures.ts';
import { startEmbedded17 } from '../../db/src/testing/postgres.ts';

const PER_DAY = Number(process.argv[2] ?? 2000);
const DAYS = 180;
const ROUNDS = 5;
const DAY = 86_400_000;

type Layout = 'monthly' | 'weekly' | 'plain';
const LAYOUTS: Layout[] = ['plain', 'monthly', 'weekly'];

async function prepare(target: { templateUrl: string; name: string }, layout: Layout) {
  const db = await createTestDatabase(target);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Re-cut the (empty) partitions: periods from DAYS back to 3 periods ahead.
  const parts = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = '"Alert"'::regclass AND c.relname <> 'Alert_default'`,
  );
  for (const p of parts.rows) await pool.query(`DROP TABLE "${p.name}"`);
  if (layout === 'plain') {
    // The table as it was before migration 20261129080000_alert_time_partitions.
    for (const stmt of [
      `ALTER TABLE "Alert" RENAME TO "Alert_partitioned"`,
      `CREATE TABLE "Alert" (LIKE "Alert_partitioned" INCLUDING DEFAULTS)`,
      `ALTER SEQUENCE "Alert_id_seq" OWNED BY "Alert".id`,
      `DROP TABLE "Alert_partitioned"`,
      `DROP TABLE "AlertDedupKey"`,
      `ALTER TABLE "Alert" ADD CONSTRAINT "Alert_pkey" PRIMARY KEY (id)`,
      `CREATE UNIQUE INDEX ON "Alert"("companyId", "dedupKey")`,
      `CREATE INDEX ON "Alert"("companyId", "receivedAt")`,
      `CREATE INDEX ON "Alert"("companyId", "occurredAt")`,
      `CREATE INDEX ON "Alert"("mspId", "receivedAt")`,
      `CREATE INDEX ON "Alert"("incidentId")`,
      `CREATE INDEX ON "Alert"("companyId", decision)`,
      `ALTER TABLE "Alert" ADD FOREIGN KEY ("mspId") REFERENCES "Msp"(id) ON DELETE CASCADE`,
      `ALTER TABLE "Alert" ADD FOREIGN KEY ("companyId") REFERENCES "Company"(id) ON DELETE CASCADE`,
      `ALTER TABLE "Alert" ADD FOREIGN KEY ("incidentId") REFERENCES "Incident"(id) ON DELETE SET NULL`,
    ])
      await pool.query(stmt);
  }
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let start: Date;
  const next = (d: Date) =>
    layout === 'monthly'
      ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
      : new Date(d.getTime() + 7 * DAY);
  if (layout === 'monthly') {
    const s = new Date(today - DAYS * DAY);
    start = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1));
  } else {
    const s = new Date(today - DAYS * DAY);
    start = new Date(s.getTime() - ((s.getUTCDay() + 6) % 7) * DAY); // a Monday
  }
  let end = new Date(today);
  for (let i = 0; i < 4; i++) end = next(end);
  let n = 0;
  for (let d = start; layout !== 'plain' && d < end; d = next(d), n++)
    await pool.query(
      `CREATE TABLE "Alert_p${n}" PARTITION OF "Alert" FOR VALUES FROM ('${d.toISOString()}') TO ('${next(d).toISOString()}')`,
    );
  const t = await createTenant(pool);
  const companyId = await t.company('Bench');
  // DAYS of decided alerts, the last day's half still PENDING.
  await pool.query(
    `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
            "occurredAt", "receivedAt", raw, decision)
     SELECT $1, $2, 'NATIVE', 'fp' || (g % 500), md5(g::text), 'a' || (g % 500), 's' || (g % 20), 'HIGH', 'FIRING',
            t, t, '{}', (CASE WHEN t > now() - interval '12 hours' AND g % 2 = 0 THEN 'PENDING' ELSE 'DEDUPLICATED' END)::"AlertDecision"
       FROM generate_series(1, $3::int) g
       CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE 'UTC') - (g::float / $4) * interval '1 day' AS t) x`,
    [t.mspId, companyId, PER_DAY * DAYS, PER_DAY],
  );
  await pool.query('ANALYZE "Alert"');
  return { db, pool, mspId: t.mspId, companyId, partitions: n };
}

async function time(fn: () => Promise<unknown>, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const target = await startEmbedded17();
try {
  const envs = {
    plain: await prepare(target, 'plain'),
    monthly: await prepare(target, 'monthly'),
    weekly: await prepare(target, 'weekly'),
  };
  const results: Record<Layout, Record<string, number[]>> = { plain: {}, monthly: {}, weekly: {} };
  let seq = 0;
  for (let r = 0; r < ROUNDS; r++)
    for (const layout of LAYOUTS) {
      const { pool, mspId, companyId } = envs[layout];
      const ids = (
        await pool.query<{ id: string }>(`SELECT id::text AS id FROM "Alert" ORDER BY random() LIMIT 100`)
      ).rows.map((x) => x.id);
      const runs: Record<string, () => Promise<unknown>> = {
        intake: () =>
          pool.query(
            `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
                    "occurredAt", "receivedAt", raw)
             SELECT $1, $2, 'NATIVE', 'fp', $3 || g, 'a', 's', 'HIGH', 'FIRING', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', '{}'
               FROM generate_series(1, 100) g
             ON CONFLICT ${layout === 'plain' ? '("companyId", "dedupKey")' : '("companyId", "dedupKey", "occurredAt")'} DO NOTHING`,
            [mspId, companyId, `r${seq++}-`],
          ),
        pending: () =>
          pool.query(
            `SELECT id FROM "Alert" WHERE "companyId" = $1 AND decision = 'PENDING' ORDER BY id LIMIT 500`,
            [companyId],
          ),
        byId: () =>
          pool.query(
            `UPDATE "Alert" SET "incidentId" = NULL WHERE id = ANY($1::bigint[]) AND "incidentId" IS NULL`,
            [ids],
          ),
        exists: () =>
          pool.query(
            `SELECT EXISTS (SELECT 1 FROM "Alert" a WHERE a."companyId" = $1 AND a.decision = 'PENDING')`,
            [companyId],
          ),
      };
      for (const [name, fn] of Object.entries(runs)) (results[layout][name] ??= []).push(await time(fn, 40));
    }
  console.log(
    `${PER_DAY * DAYS} alerts over ${DAYS} days; monthly: ${envs.monthly.partitions} partitions, weekly: ${envs.weekly.partitions}`,
  );
  for (const name of Object.keys(results.monthly)) {
    const [p, m, w] = LAYOUTS.map((l) => median(results[l][name]!));
    console.log(
      `${name.padEnd(8)} plain ${p!.toFixed(2)} ms  monthly ${m!.toFixed(2)} ms  weekly ${w!.toFixed(2)} ms  ` +
        `monthly/plain ${(m! / p!).toFixed(2)}  weekly/monthly ${(w! / m!).toFixed(2)}`,
    );
  }
  for (const e of Object.values(envs)) {
    await e.pool.end();
    await e.db.drop();
  }
} finally {
  await target.stop();
}
