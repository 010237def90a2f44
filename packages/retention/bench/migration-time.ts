// `npx tsx packages/retention/bench/migration-time.ts [alerts]`: how long migration
// 20261129080000_alert_time_partitions takes on a table that already holds `alerts` alerts (default
// 500,000, spread over the last 180 days, 1 KB payload each), on a throwaway embedded PostgreSQL 17.
// The migration rewrites the table while holding it locked: intake waits for that long.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { deployMigrations } from '../../db/src/migrate/ops.ts';
import { MIGRATIONS_DIR } from '../../db/src/paths.ts';
import { startEmbedded17 } from '../../db/src/testing/postgres.ts';

const N = Number(process.argv[2] ?? 500_000);
const MIGRATION = '20261129080000_alert_time_partitions';
const target = await startEmbedded17();
const admin = new URL(target.templateUrl);
admin.pathname = '/postgres';
const url = new URL(target.templateUrl);
url.pathname = '/aw_migration_time';
try {
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`CREATE DATABASE aw_migration_time`);
  await c.end();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-migs-before-'));
  for (const d of readdirSync(MIGRATIONS_DIR, { withFileTypes: true }))
    if (!d.isDirectory() || d.name < MIGRATION)
      cpSync(path.join(MIGRATIONS_DIR, d.name), path.join(dir, d.name), { recursive: true });
  await deployMigrations(url.toString(), { migrationsDir: dir });
  rmSync(dir, { recursive: true, force: true });
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  const m = await pool.query<{ id: string }>(
    `INSERT INTO "Msp" (name, slug, "updatedAt") VALUES ('M', 'm', now()) RETURNING id`,
  );
  const co = await pool.query<{ id: string }>(
    `INSERT INTO "Company" ("mspId", name, slug, "awsExternalId", "updatedAt") VALUES ($1, 'C', 'c', 'x', now()) RETURNING id`,
    [m.rows[0]!.id],
  );
  await pool.query(
    `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
            "occurredAt", "receivedAt", raw, decision)
     SELECT $1, $2, 'NATIVE', 'fp' || (g % 500), md5(g::text), 'a' || (g % 500), 's' || (g % 20), 'HIGH', 'FIRING',
            t, t, jsonb_build_object('p', repeat('x', 1000)), 'DEDUPLICATED'
       FROM generate_series(1, $3::int) g
       CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE 'UTC') - (g::float / $3 * 180) * interval '1 day' AS t) x`,
    [m.rows[0]!.id, co.rows[0]!.id, N],
  );
  await pool.query('VACUUM ANALYZE "Alert"');
  const size = await pool.query<{ s: string }>(
    `SELECT pg_size_pretty(pg_total_relation_size('"Alert"')) AS s`,
  );
  await pool.end();
  const t0 = performance.now();
  const applied = await deployMigrations(url.toString());
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${N} alerts (${size.rows[0]!.s} with indexes): ${applied.join(', ')} applied in ${s.toFixed(1)} s`,
  );
} finally {
  await target.stop();
}
