// Backup and restore, as docs/DEPLOYMENT.md describes it: a seeded database (tenants, alerts decided
// by the real correlation worker, resolved incidents, a runbook execution) dumped with pg_dump,
// restored with pg_restore into a fresh database; there the app's readiness check passes, the KPI
// service gives the same report, every table has the same rows, and new alerts get new ids.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPool } from '@aw/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CorrelationWorker, kpiReport, poolRunner } from '@aw/correlation';
import { createTenant, storeAlerts, type StoredAlertInput } from '@aw/correlation/testing';
import { createTestDatabase } from '@aw/db/testing';
import { MIGRATIONS_DIR } from '@aw/db/paths';
import { checkReadiness } from '@aw/observability';
import { backupDatabase, clientBinFor, DUMP_FLAGS, restoreDatabase, RESTORE_FLAGS } from './backup.ts';

// pg_dump must be at least the server's version: Debian's PostgreSQL 15 client tools dump the
// PostgreSQL 15 target (the embedded 17 ships no pg_dump). CI installs Debian's postgresql.
const target = inject('pgTargets').find((t) => t.name === 'postgres-15');
const T0 = Date.now() - 3 * 3600_000;
const at = (min: number) => new Date(T0 + min * 60_000);
const period = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) };

function stream(): StoredAlertInput[] {
  const s: StoredAlertInput[] = [];
  for (let i = 0; i < 12; i++) s.push({ occurredAt: at(i * 0.5) });
  for (let h = 0; h < 6; h++) s.push({ asset: `web-0${h}`, signature: 'http_5xx', occurredAt: at(1 + h) });
  s.push({ asset: 'web-00', signature: 'http_5xx', status: 'RESOLVED', occurredAt: at(30) });
  return s;
}

const TABLES = ['Msp', 'Company', 'Alert', 'Incident', 'Runbook', 'RunbookExecution', '_prisma_migrations'];

async function counts(pool: pg.Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES)
    out[t] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0]!.n;
  return out;
}

describe('backup and restore (pg_dump, pg_restore) on postgres-15', () => {
  let source: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let restoredUrl: string;
  let restored: pg.Pool;
  let mspId: string;
  let binDir: string;
  const dumpFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'aw-backup-')), 'aw.dump');

  beforeAll(async () => {
    if (!target)
      throw new Error('PostgreSQL 15 is not installed (apt-get install -y postgresql): no target to back up');
    source = await createTestDatabase(target);
    pool = createPool(source.url, { max: 4 });
    const major = Math.floor(
      Number(
        (await pool.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v,
      ) / 10_000,
    );
    const bin = clientBinFor(major);
    if (!bin) throw new Error(`no pg_dump for PostgreSQL ${major} installed`);
    binDir = bin;

    const t = await createTenant(pool);
    mspId = t.mspId;
    const acme = await t.company('Acme');
    const globex = await t.company('Globex');
    await storeAlerts(pool, mspId, acme, stream());
    await storeAlerts(pool, mspId, globex, [{ asset: 'db-01', signature: 'disk_full', occurredAt: at(5) }]);
    const w = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0 });
    await w.sweep();
    await w.stop();
    await pool.query(
      `UPDATE "Incident" SET status = 'RESOLVED', "openKey" = NULL, resolution = 'MANUAL',
              "resolvedAt" = "firstSeenAt" + interval '25 minutes' WHERE "companyId" = $1 AND signature = 'disk_full'`,
      [acme],
    );
    const rb = await pool.query<{ id: string }>(
      `INSERT INTO "Runbook" ("mspId", name, "documentName", "updatedAt") VALUES ($1, 'restart', 'AWS-RunShellScript', now()) RETURNING id`,
      [mspId],
    );
    const inc = await pool.query<{ id: string }>(
      `UPDATE "Incident" SET status = 'RESOLVED', "openKey" = NULL, resolution = 'RUNBOOK',
              "resolvedAt" = "firstSeenAt" + interval '3 minutes' WHERE "companyId" = $1 AND asset = 'web-02' RETURNING id`,
      [acme],
    );
    await pool.query(
      `INSERT INTO "RunbookExecution" ("mspId", "companyId", "runbookId", "incidentId", status, automatic, "updatedAt")
       VALUES ($1, $2, $3, $4, 'SUCCESS', true, now())`,
      [mspId, acme, rb.rows[0]!.id, inc.rows[0]!.id],
    );

    // A fresh, empty database to restore into (what an operator creates on the new server).
    const admin = new pg.Client({ connectionString: source.url });
    await admin.connect();
    const name = `restore_${process.pid}_${Date.now().toString(36)}`;
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
    await admin.end();
    const u = new URL(source.url);
    u.pathname = `/${name}`;
    restoredUrl = u.toString();
    restored = createPool(restoredUrl, { max: 4 });
  });

  afterAll(async () => {
    await restored?.end();
    await pool?.end();
    if (restoredUrl) {
      const c = new pg.Client({ connectionString: source.url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${new URL(restoredUrl).pathname.slice(1)}" WITH (FORCE)`);
      await c.end();
    }
    await source?.drop();
  });

  it('restores a database on which the app is ready and the KPIs are the same', async () => {
    const before = await kpiReport(poolRunner(pool), { mspId }, period);
    // The seed is not trivial: the report has something to compare.
    expect(before.noise.alerts).toBe(20);
    expect(before.noise.incidents).toBeGreaterThanOrEqual(7);
    expect(before.selfHealed.selfHealed).toBeGreaterThan(0);
    expect(before.mttr.length).toBeGreaterThan(0);
    const rowsBefore = await counts(pool);

    // Not ready before the restore: nothing is there.
    expect((await checkReadiness({ db: restored, migrationsDir: MIGRATIONS_DIR })).ready).toBe(false);

    backupDatabase({ url: source.url, file: dumpFile, binDir });
    expect(statSync(dumpFile).size).toBeGreaterThan(10_000);
    expect(readFileSync(dumpFile).subarray(0, 5).toString()).toBe('PGDMP'); // custom format
    restoreDatabase({ url: restoredUrl, file: dumpFile, binDir });

    const ready = await checkReadiness({ db: restored, migrationsDir: MIGRATIONS_DIR });
    expect(ready.checks.migrations.missing).toEqual([]);
    expect(ready.ready).toBe(true);
    expect(await counts(restored)).toEqual(rowsBefore);
    const after = await kpiReport(poolRunner(restored), { mspId }, period);
    expect(after).toEqual(before);
  });

  it('keeps sequences: a new alert on the restored database gets an id after the restored ones', async () => {
    const maxId = BigInt(
      (await restored.query<{ m: string }>(`SELECT max(id)::text AS m FROM "Alert"`)).rows[0]!.m,
    );
    const company = (await restored.query<{ id: string }>(`SELECT id FROM "Company" WHERE name = 'Globex'`))
      .rows[0]!.id;
    const [id] = await storeAlerts(restored, mspId, company, [
      { asset: 'db-02', signature: 'disk_full', occurredAt: new Date() },
    ]);
    expect(id! > maxId).toBe(true);
  });

  it('documents the same pg_dump and pg_restore flags the test runs', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/DEPLOYMENT.md'), 'utf8');
    expect(doc).toContain(`pg_dump ${DUMP_FLAGS.join(' ')}`);
    expect(doc).toContain(`pg_restore ${RESTORE_FLAGS.join(' ')}`);
  });
});
