// Migration 20261129080000_alert_time_partitions on a database that already holds alerts: the history
// up to the migration before it is applied, alerts of 14 months (and two far outside any month it
// creates) are stored, then the rest of the history runs. Every alert is kept unchanged, each month
// got its partition and the outliers the default one, ids keep growing, the dedup still refuses a
// redelivery (with the same time, and without a sender time: same key, another month), and the
// indexes, grants and row-level security of the old table hold on the parent and on every partition.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPool } from './index.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deployMigrations } from './migrate/ops.ts';
import { MIGRATIONS_DIR } from './paths.ts';

const MIGRATION = '20261129080000_alert_time_partitions';
const DAY = 86_400_000;

describe.each(inject('pgTargets'))('alert partitions migration on $name', (target) => {
  const name = `t_part_${process.pid}_${Date.now().toString(36)}`;
  const adminUrl = new URL(target.templateUrl);
  adminUrl.pathname = '/postgres';
  const url = new URL(target.templateUrl);
  url.pathname = `/${name}`;
  let pool: pg.Pool;
  let before: { n: number; sum: string; maxId: string };
  let mspId: string;
  let companyId: string;
  let otherMsp: string;
  const now = new Date();
  const alertsSql = `
    INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
                         "occurredAt", "receivedAt", raw)
    VALUES ($1, $2, 'NATIVE', 'fp', $3, 'web-01', 'cpu', 'HIGH', 'FIRING', $4::timestamp, $4::timestamp, '{"a":1}')`;
  // The intake writer's statement shape (packages/ingest/src/writer-sql.ts), one row.
  const intakeSql = `${alertsSql}
    ON CONFLICT ("companyId", "dedupKey", "occurredAt") DO NOTHING RETURNING id::text AS id`;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-migs-before-'));
    try {
      for (const d of readdirSync(MIGRATIONS_DIR, { withFileTypes: true }))
        if (!d.isDirectory() || d.name < MIGRATION)
          cpSync(path.join(MIGRATIONS_DIR, d.name), path.join(dir, d.name), { recursive: true });
      await deployMigrations(url.toString(), { migrationsDir: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    pool = createPool(url.toString(), { max: 3 });
    const tenant = async (slug: string) => {
      const m = await pool.query<{ id: string }>(
        `INSERT INTO "Msp" (name, slug, "updatedAt") VALUES ($1, $1, now()) RETURNING id`,
        [slug],
      );
      const c = await pool.query<{ id: string }>(
        `INSERT INTO "Company" ("mspId", name, slug, "awsExternalId", "updatedAt") VALUES ($1, 'C', 'c', $2, now()) RETURNING id`,
        [m.rows[0]!.id, `x-${slug}`],
      );
      return { mspId: m.rows[0]!.id, companyId: c.rows[0]!.id };
    };
    ({ mspId, companyId } = await tenant('part-a'));
    const other = await tenant('part-b');
    otherMsp = other.mspId;
    // Three alerts every 10 days over 14 months, one five years back and one two years ahead.
    const times = [...Array(43).keys()].map((i) => new Date(now.getTime() - i * 10 * DAY));
    times.push(new Date(now.getTime() - 5 * 365 * DAY), new Date(now.getTime() + 2 * 365 * DAY));
    for (const [i, t] of times.entries())
      for (const [who, k] of [
        [{ mspId, companyId }, `a-${i}`],
        [other, `b-${i}`],
      ] as const)
        await pool.query(alertsSql, [who.mspId, who.companyId, k, t.toISOString()]);
    before = await snapshot();
    expect(before.n).toBe(2 * 45);
    await deployMigrations(url.toString());
  }, 180_000);

  afterAll(async () => {
    await pool?.end();
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  async function snapshot() {
    const r = await pool.query<{ n: number; sum: string; maxId: string }>(
      `SELECT count(*)::int AS n, md5(string_agg(a::text, '|' ORDER BY id)) AS sum, max(id)::text AS "maxId" FROM "Alert" a`,
    );
    return r.rows[0]!;
  }

  const partitions = async () =>
    (
      await pool.query<{ name: string; bound: string; rls: boolean; policies: number; rows: number }>(
        `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, c.relrowsecurity AS rls,
                (SELECT count(*)::int FROM pg_policies p WHERE p.tablename = c.relname) AS policies,
                (SELECT count(*)::int FROM "Alert" a WHERE a.tableoid = c.oid) AS rows
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = '"Alert"'::regclass ORDER BY c.relname`,
      )
    ).rows;

  it('keeps every alert unchanged, one partition per month and the outliers in the default one', async () => {
    expect(await snapshot()).toEqual(before);
    const parts = await partitions();
    const months = parts.filter((p) => p.name !== 'Alert_default');
    // The oldest alert's month (420 days back) through 3 months ahead, every month once.
    const oldest = new Date(now.getTime() - 420 * DAY);
    const span =
      (now.getUTCFullYear() - oldest.getUTCFullYear()) * 12 + now.getUTCMonth() - oldest.getUTCMonth();
    expect(months.length).toBe(span + 1 + 3);
    const month = (d: Date) => `Alert_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(months.map((p) => p.name)).toContain(month(now));
    expect(months.map((p) => p.name)).toContain(month(new Date(now.getTime() - 420 * DAY)));
    expect(parts.find((p) => p.name === 'Alert_default')!.rows).toBe(4); // 5 years back, 2 ahead
    expect(months.reduce((n, p) => n + p.rows, 0)).toBe(before.n - 4);
    const kind = await pool.query<{ relkind: string }>(
      `SELECT relkind::text FROM pg_class WHERE oid = '"Alert"'::regclass`,
    );
    expect(kind.rows[0]!.relkind).toBe('p');
  });

  it('keeps the ids growing and the dedup exact across partitions', async () => {
    const t = now.toISOString();
    const fresh = await pool.query<{ id: string }>(intakeSql, [mspId, companyId, 'new-1', t]);
    expect(BigInt(fresh.rows[0]!.id)).toBeGreaterThan(BigInt(before.maxId));
    // A redelivery: same key and time.
    expect((await pool.query(intakeSql, [mspId, companyId, 'new-1', t])).rowCount).toBe(0);
    // A redelivery of a migrated alert of 300 days ago, with the same time.
    const old = new Date(now.getTime() - 30 * 10 * DAY).toISOString();
    expect((await pool.query(intakeSql, [mspId, companyId, 'a-30', old])).rowCount).toBe(0);
    // Same key, another time in another month (an alert without a sender time is dated on receipt).
    expect((await pool.query(intakeSql, [mspId, companyId, 'a-30', t])).rowCount).toBe(0);
    expect((await pool.query(intakeSql, [mspId, companyId, 'new-1', old])).rowCount).toBe(0);
    // The same key in another company is another alert.
    const c2 = await pool.query<{ id: string }>(`SELECT id FROM "Company" WHERE "mspId" = $1`, [otherMsp]);
    expect((await pool.query(intakeSql, [otherMsp, c2.rows[0]!.id, 'a-30', t])).rowCount).toBe(1);
    const claims = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AlertDedupKey"`);
    expect(claims.rows[0]!.n).toBe(before.n + 2);
  });

  it('carries indexes, foreign keys, grants and row-level security over to the parent and every partition', async () => {
    const idx = await pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'Alert' ORDER BY 1`,
    );
    expect(idx.rows.map((r) => r.indexname)).toEqual([
      'Alert_companyId_dedupKey_occurredAt_key',
      'Alert_companyId_occurredAt_idx',
      'Alert_companyId_receivedAt_idx',
      'Alert_incidentId_idx',
      'Alert_mspId_receivedAt_idx',
      'Alert_pending_idx',
      'Alert_pkey',
    ]);
    // The partial index of the PENDING alerts (migration correlation_turn_indexes) is on every
    // partition, with its predicate.
    for (const p of await partitions()) {
      const pending = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%WHERE (decision = %PENDING%'`,
        [p.name],
      );
      expect(pending.rows[0]!.n, p.name).toBe(1);
    }
    const fks = await pool.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = '"Alert"'::regclass AND contype = 'f' ORDER BY 1`,
    );
    expect(fks.rows.map((r) => r.conname)).toEqual([
      'Alert_companyId_fkey',
      'Alert_incidentId_fkey',
      'Alert_mspId_fkey',
    ]);
    for (const p of [{ name: 'Alert', rls: true, policies: 1 }, ...(await partitions())]) {
      expect(p.rls, p.name).toBe(true);
      expect(p.policies, p.name).toBe(1);
      const grant = await pool.query<{ ok: boolean }>(
        `SELECT has_table_privilege('aw_tenant', format('%I', $1::text), 'SELECT, INSERT, UPDATE, DELETE') AS ok`,
        [p.name],
      );
      expect(grant.rows[0]!.ok, p.name).toBe(true);
    }
    // Walled as the tenant role, the other MSP's rows are invisible in the parent and in a partition.
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE aw_tenant');
      await c.query(`SELECT set_config('aw.msp_id', $1, true)`, [mspId]);
      const month = (await partitions()).find((p) => p.name !== 'Alert_default' && p.rows > 0)!.name;
      const seen = async (rel: string) =>
        (
          await c.query<{ mine: number; theirs: number }>(
            `SELECT count(*) FILTER (WHERE "mspId" = $1)::int AS mine, count(*) FILTER (WHERE "mspId" <> $1)::int AS theirs FROM "${rel}"`,
            [mspId],
          )
        ).rows[0]!;
      for (const rel of ['Alert', month, 'Alert_default', 'AlertDedupKey']) {
        const s = await seen(rel);
        expect(s.theirs, rel).toBe(0);
        expect(s.mine, rel).toBeGreaterThan(0);
      }
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  });
});
