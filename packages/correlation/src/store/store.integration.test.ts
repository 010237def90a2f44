import { spawn } from 'node:child_process';
import path from 'node:path';
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant, storeAlerts, type StoredAlertInput } from '../testing/fixtures.ts';
import { CorrelationEngine } from '../engine/engine.ts';
import type { RuleSet } from '../engine/types.ts';
import { correlateCompany, OpenKeyConflict, tickCompany, type IncidentChangedEvent } from './apply.ts';
import { poolRunner } from '../sql-runner.ts';
import { loadRules, toEngineAlert, ALERT_COLUMNS } from './rows.ts';
import { q } from './sql.ts';
import { CorrelationWorker } from './worker.ts';

const T0 = new Date('2026-03-02T10:00:00Z').getTime();
const at = (min: number) => new Date(T0 + min * 60_000);
const PKG = path.resolve(import.meta.dirname, '../..');

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PKG, 'src/testing/concurrent-writer.ts'), ...args],
      {
        cwd: PKG,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}: ${err}`)),
    );
  });
}

/** A realistic mixed stream: repeats, several identities per key, resolutions, flapping, host_down. */
function mixedStream(): StoredAlertInput[] {
  const s: StoredAlertInput[] = [];
  for (let i = 0; i < 10; i++) s.push({ occurredAt: at(i * 0.3) }); // disk_full repeats
  s.push({ asset: 'web-01', signature: 'host_down', occurredAt: at(1) });
  for (const sig of ['http_down', 'ssh_down', 'cpu_high'])
    s.push({ asset: 'web-01', signature: sig, occurredAt: at(1.5) });
  for (let i = 0; i < 8; i++)
    s.push({
      asset: 'app-01',
      signature: 'svc_flap',
      status: i % 2 ? 'RESOLVED' : 'FIRING',
      occurredAt: at(2 + i),
    });
  for (let h = 0; h < 6; h++)
    s.push({ asset: `db-0${h}`, signature: 'backup_failed', occurredAt: at(3 + h) });
  s.push({ asset: 'maint-01', signature: 'cpu_high', occurredAt: at(4) });
  s.push({ asset: 'server-prod-01', signature: 'disk_full', status: 'RESOLVED', occurredAt: at(12) });
  s.push({ asset: 'web-01', signature: 'host_down', status: 'RESOLVED', occurredAt: at(13) });
  s.push({ asset: 'web-01', signature: 'http_down', occurredAt: at(14) });
  s.push({ asset: 'server-prod-01', signature: 'disk_full', fingerprint: 'other', occurredAt: at(15) });
  return s;
}

describe.each(inject('pgTargets'))('correlation store on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 6 });
    tenant = await createTenant(pool);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  async function addRules(companyId: string) {
    await q(
      pool,
      `INSERT INTO "MaintenanceWindow" ("mspId", "companyId", name, matchers, "startsAt", "endsAt", "updatedAt")
       VALUES ($1, $2, 'patch night', '[{"field":"asset","op":"=~","value":"maint-.*"}]', $3::timestamp, $4::timestamp, now())`,
      [tenant.mspId, companyId, at(-60).toISOString(), at(60).toISOString()],
    );
    await q(
      pool,
      `INSERT INTO "InhibitionRule" ("mspId", "companyId", name, "sourceMatchers", "targetMatchers", equal, "updatedAt")
       VALUES ($1, $2, 'host down', '[{"field":"signature","op":"=","value":"host_down"}]',
               '[{"field":"signature","op":"!=","value":"host_down"}]', '{asset}', now())`,
      [tenant.mspId, companyId],
    );
  }

  async function decisions(companyId: string) {
    const r = await q<Record<string, unknown>>(
      pool,
      `SELECT id, decision, "correlationKey", "incidentId", "decisionReason" FROM "Alert" WHERE "companyId" = $1 ORDER BY id`,
      [companyId],
    );
    return r.rows;
  }

  it('decides every stored alert once, exactly as the pure engine does, across batch boundaries', async () => {
    const events: IncidentChangedEvent[] = [];
    const companyId = await tenant.company('Batching', { autoResolveQuietMinutes: 0 });
    await addRules(companyId);
    await storeAlerts(pool, tenant.mspId, companyId, mixedStream());
    const worker = new CorrelationWorker({
      pool,
      batchSize: 4,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      onIncidentChanged: (e) => void events.push(e),
    });
    expect(await worker.sweep()).toBe(mixedStream().length);
    await worker.stop();

    const rows = await decisions(companyId);
    expect(rows.every((r) => r.decision !== 'PENDING' && r.decisionReason)).toBe(true);

    // The same stream through the pure engine, in one go.
    const alerts = (
      await q<Record<string, unknown>>(
        pool,
        `SELECT ${ALERT_COLUMNS} FROM "Alert" WHERE "companyId" = $1 ORDER BY id`,
        [companyId],
      )
    ).rows.map(toEngineAlert);
    const rules: RuleSet = await loadRules(poolRunner(pool), companyId, at(-1000));
    const engine = new CorrelationEngine({ rules });
    const pure = engine.process(alerts);
    expect(rows.map((r) => r.decision)).toEqual(pure.map((d) => d.decision));
    expect(rows.map((r) => r.correlationKey)).toEqual(pure.map((d) => d.correlationKey));
    // same grouping (incident ids differ: uuids vs counters)
    const group = (ids: (string | null)[]) => ids.map((id) => (id === null ? -1 : ids.indexOf(id)));
    expect(group(rows.map((r) => r.incidentId as string | null))).toEqual(
      group(pure.map((d) => d.incidentId)),
    );

    const counts = Object.fromEntries(
      ['CORRELATED', 'DEDUPLICATED', 'SUPPRESSED', 'INHIBITED', 'RESOLVED_SIGNAL'].map((d) => [
        d,
        rows.filter((r) => r.decision === d).length,
      ]),
    );
    expect(counts).toMatchObject({ DEDUPLICATED: 9, SUPPRESSED: 1, INHIBITED: 3 });

    const inc = await q<Record<string, unknown>>(
      pool,
      `SELECT "correlationKey", status, "openKey", "alertCount", flapping, resolution FROM "Incident"
        WHERE "companyId" = $1 ORDER BY "createdAt", "firstSeenAt"`,
      [companyId],
    );
    const disk = inc.rows.filter((r) => r.correlationKey === 'server-prod-01|disk_full');
    expect(disk[0]).toMatchObject({ alertCount: 11 }); // ten firing repeats and their resolve
    expect(inc.rows.filter((r) => r.status !== 'RESOLVED').every((r) => r.openKey === r.correlationKey)).toBe(
      true,
    );
    expect(inc.rows.filter((r) => r.status === 'RESOLVED').every((r) => r.openKey === null)).toBe(true);
    expect(inc.rows.some((r) => r.correlationKey === 'app-01|svc_flap' && r.flapping)).toBe(true);
    expect(events.some((e) => e.type === 'incident.created')).toBe(true);
    expect(events.some((e) => e.type === 'incident.resolved')).toBe(true);
  });

  it('links held alerts to the incident that opens for them in a later turn', async () => {
    // Fewer alerts than the minimum are decided CORRELATED without an incident; the turn that
    // reaches the minimum opens the incident and links the held alerts of its group to it.
    const c = await tenant.company('Held', { minAlertsToOpen: 3, correlationWindowMinutes: 10 });
    const ids = await storeAlerts(pool, tenant.mspId, c, [
      { fingerprint: 'h-a', occurredAt: at(0) },
      { fingerprint: 'h-b', occurredAt: at(1) },
      { fingerprint: 'h-c', occurredAt: at(2) },
    ]);
    for (let turn = 0; turn < 3; turn++)
      expect((await correlateCompany(pool, c, { batchSize: 1 })).decided).toBe(1);
    const rows = await decisions(c);
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.map((r) => r.decision)).toEqual(['CORRELATED', 'CORRELATED', 'CORRELATED']);
    const incident = rows[2]!.incidentId as string;
    expect(incident).toEqual(expect.any(String));
    expect(rows.map((r) => r.incidentId)).toEqual([incident, incident, incident]);
    const inc = await q<Record<string, unknown>>(
      pool,
      `SELECT "alertCount", "firingCount", status FROM "Incident" WHERE "companyId" = $1`,
      [c],
    );
    expect(inc.rows).toEqual([{ alertCount: 3, firingCount: 3, status: 'OPEN' }]);
    // The held fingerprints belong to the incident now: one of them resolving counts down.
    await storeAlerts(pool, tenant.mspId, c, [{ fingerprint: 'h-a', status: 'RESOLVED', occurredAt: at(3) }]);
    expect((await correlateCompany(pool, c)).decided).toBe(1);
    const after = await q<Record<string, unknown>>(
      pool,
      `SELECT "alertCount", "firingCount" FROM "Incident" WHERE "companyId" = $1`,
      [c],
    );
    expect(after.rows).toEqual([{ alertCount: 4, firingCount: 2 }]);
  });

  it('retries a turn whose new incident finds its open key taken, then reports it, deciding nothing', async () => {
    const c = await tenant.company('Open key taken');
    await storeAlerts(pool, tenant.mspId, c, [{ asset: 'ok-01', signature: 'disk_full', occurredAt: at(0) }]);
    // A row the turn does not read as open (RESOLVED) that still holds the open key: what another
    // writer ignoring the company lock could leave. The insert of the new incident conflicts.
    await q(
      pool,
      `INSERT INTO "Incident" ("mspId", "companyId", "correlationKey", "openKey", title, asset, signature, source,
              status, severity, "windowStart", "windowEnd", "firstSeenAt", "lastSeenAt", "updatedAt")
       VALUES ($1, $2, 'ok-01|disk_full', 'ok-01|disk_full', 'taken', 'ok-01', 'disk_full', 'NATIVE',
               'RESOLVED', 'MEDIUM', $3::timestamp, $3::timestamp, $3::timestamp, $3::timestamp, now())`,
      [tenant.mspId, c, at(-5).toISOString()],
    );
    await expect(correlateCompany(pool, c)).rejects.toBeInstanceOf(OpenKeyConflict);
    const rows = await decisions(c);
    expect(rows.map((r) => r.decision)).toEqual(['PENDING']);
    const n = await q<{ n: string }>(pool, `SELECT count(*) AS n FROM "Incident" WHERE "companyId" = $1`, [
      c,
    ]);
    expect(Number(n.rows[0]!.n)).toBe(1);
  });

  it('sweeps PENDING alerts left by a crash, and replaying the stream gives the same incidents', async () => {
    const a = await tenant.company('Crash A');
    const b = await tenant.company('Crash B');
    for (const c of [a, b]) {
      await addRules(c);
      await storeAlerts(pool, tenant.mspId, c, mixedStream());
    }
    // company A decided one batch at a time by direct calls, company B by a fresh worker sweep
    while ((await correlateCompany(pool, a, { batchSize: 7 })).decided > 0);
    const w = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0 });
    await w.sweep();
    await w.stop();
    const shape = async (c: string) =>
      (
        await q<Record<string, unknown>>(
          pool,
          `SELECT "correlationKey", status, severity, "alertCount", "firingCount", "windowStart", "windowEnd",
                  "resolvedAt", flapping, transitions FROM "Incident" WHERE "companyId" = $1
            ORDER BY "firstSeenAt", "correlationKey"`,
          [c],
        )
      ).rows;
    expect(await shape(b)).toEqual(await shape(a));
    expect((await decisions(b)).map((r) => r.decision)).toEqual((await decisions(a)).map((r) => r.decision));
  });

  it('takes hand-overs through AlertSink and survives a failing onIncidentChanged', async () => {
    const c = await tenant.company('Sink');
    const warnings: string[] = [];
    const worker = new CorrelationWorker({
      pool,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      onIncidentChanged: () => {
        throw new Error('subscriber down');
      },
      logger: { error: (m: string) => warnings.push(m), warn: (m: string) => warnings.push(m) },
    });
    const ids = await storeAlerts(pool, tenant.mspId, c, [{ occurredAt: at(0) }, { occurredAt: at(1) }]);
    worker.alertsStored([{ companyId: c, alertIds: ids }]);
    await worker.idle();
    await worker.stop();
    expect(worker.decided).toBe(2);
    expect((await decisions(c)).map((r) => r.decision)).toEqual(['CORRELATED', 'DEDUPLICATED']);
    expect(warnings.some((w) => w.includes('subscriber down'))).toBe(true);
  });

  it('a manually resolved incident never absorbs: the next alert opens a new one', async () => {
    const c = await tenant.company('Manual');
    await storeAlerts(pool, tenant.mspId, c, [{ occurredAt: at(0) }]);
    await correlateCompany(pool, c);
    await q(
      pool,
      `UPDATE "Incident" SET status = 'RESOLVED', "openKey" = NULL, resolution = 'MANUAL', "resolvedAt" = now()
        WHERE "companyId" = $1`,
      [c],
    );
    await storeAlerts(pool, tenant.mspId, c, [{ occurredAt: at(1) }]);
    await correlateCompany(pool, c);
    const rows = await decisions(c);
    expect(rows.map((r) => r.decision)).toEqual(['CORRELATED', 'CORRELATED']);
    expect(rows[0]!.incidentId).not.toBe(rows[1]!.incidentId);
  });

  it('ticks auto-resolve after the quiet period and auto-close at the deadline', async () => {
    const c = await tenant.company('Quiet', { autoResolveQuietMinutes: 10, autoCloseAfterMinutes: 120 });
    await storeAlerts(pool, tenant.mspId, c, [
      { occurredAt: at(0) },
      { occurredAt: at(1), status: 'RESOLVED' },
      { asset: 'silent-01', signature: 'ping_lost', occurredAt: at(2) },
    ]);
    await correlateCompany(pool, c);
    expect(await tickCompany(pool, c, at(5))).toEqual([]);
    const ev = await tickCompany(pool, c, at(500));
    expect(ev.map((e) => e.type)).toEqual(['incident.resolved', 'incident.resolved']);
    const r = await q<Record<string, unknown>>(
      pool,
      `SELECT asset, "resolvedAt", resolution, "resolutionNote", "openKey" FROM "Incident" WHERE "companyId" = $1 ORDER BY asset`,
      [c],
    );
    expect(r.rows).toEqual([
      expect.objectContaining({
        asset: 'server-prod-01',
        resolvedAt: at(11),
        resolution: 'AUTO',
        openKey: null,
      }),
      expect.objectContaining({ asset: 'silent-01', resolvedAt: at(122), resolution: 'AUTO', openKey: null }),
    ]);
    const events = await q(pool, `SELECT type FROM "IncidentEvent" WHERE "companyId" = $1 ORDER BY id`, [c]);
    expect(events.rows.map((e) => e.type)).toEqual(['created', 'created', 'resolved', 'resolved']);
  });

  it('the database refuses a second open incident for a key', async () => {
    const c = await tenant.company('Unique');
    const ins = () =>
      q(
        pool,
        `INSERT INTO "Incident" ("mspId", "companyId", "correlationKey", "openKey", title, asset, signature, source,
                severity, "windowStart", "windowEnd", "firstSeenAt", "lastSeenAt", "updatedAt")
         VALUES ($1, $2, 'k', 'k', 't', 'a', 's', 'NATIVE', 'LOW', now(), now(), now(), now(), now())`,
        [tenant.mspId, c],
      );
    await ins();
    await expect(ins()).rejects.toThrow(/unique/i);
  });

  it('two processes ingesting and correlating the same keys at once produce one incident per key', async () => {
    const c = await tenant.company('Concurrent');
    const n = 40;
    const outs = await Promise.all(
      ['p1', 'p2'].map((tag) => runChild([db.url, tenant.mspId, c, tag, String(n), String(T0)])),
    );
    const decided = outs.map((o) => JSON.parse(o.trim().split('\n').at(-1)!).decided as number);
    expect(decided[0]! + decided[1]!).toBe(2 * n);
    const rows = await decisions(c);
    expect(rows).toHaveLength(2 * n);
    expect(rows.every((r) => r.decision === 'CORRELATED')).toBe(true);
    const inc = await q<Record<string, unknown>>(
      pool,
      `SELECT "correlationKey", "alertCount", "firingCount", status FROM "Incident" WHERE "companyId" = $1 ORDER BY 1`,
      [c],
    );
    expect(inc.rows).toHaveLength(3);
    expect(inc.rows.reduce((s, r) => s + (r.alertCount as number), 0)).toBe(2 * n);
    expect(inc.rows.reduce((s, r) => s + (r.firingCount as number), 0)).toBe(2 * n);
  });
});
