// Through the store (real Postgres): alert kinds chosen per alert, per API key and per source,
// firing TTL and maximum span on event sources, stale stateful incidents, and situations with
// their guardrail and per-edge explanations.
import { randomBytes } from 'node:crypto';
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CorrelationEngine } from '../engine/engine.ts';
import { createTenant, storeAlerts, type StoredAlertInput } from '../testing/fixtures.ts';
import { correlateCompany, tickCompany } from './apply.ts';
import { ALERT_COLUMNS, loadCompanyConfig, toEngineAlert } from './rows.ts';
import { poolRunner } from '../sql-runner.ts';
import { q } from './sql.ts';
import { kpiCsv, noiseReduction, type KpiReport } from '../kpi/index.ts';

const T0 = new Date('2026-03-02T10:00:00Z').getTime();
const at = (min: number) => new Date(T0 + min * 60_000);

describe.each(inject('pgTargets'))('kinds and situations through the store on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    tenant = await createTenant(pool);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  async function drain(companyId: string, batchSize = 7) {
    for (;;) {
      const r = await correlateCompany(pool, companyId, { batchSize });
      if (!r.decided) return;
    }
  }
  const incidents = async (companyId: string) =>
    (
      await q<Record<string, unknown>>(
        pool,
        `SELECT id, status, "firstSeenAt", "resolvedAt", "resolutionNote", stale, "firingCount", "eventsUntil",
                "situationId", "entityKeys", asset, signature
           FROM "Incident" WHERE "companyId" = $1 ORDER BY "firstSeenAt", id`,
        [companyId],
      )
    ).rows;

  async function settings(companyId: string, cols: Record<string, unknown>) {
    const names = Object.keys(cols);
    await q(
      pool,
      `INSERT INTO "CorrelationSettings" ("companyId", "mspId", ${names.map((n) => `"${n}"`).join(', ')}, "updatedAt")
       VALUES ($1, $2, ${names.map((_, i) => `$${i + 3}`).join(', ')}, now())`,
      [companyId, tenant.mspId, ...Object.values(cols)],
    );
  }

  it('events from a GENERIC source: the maximum span splits a day of repeats, exactly as the pure engine does', async () => {
    const companyId = await tenant.company('Ids', { correlationMaxSpanMinutes: 60 });
    const stream: StoredAlertInput[] = Array.from({ length: 150 }, (_, i) => ({
      source: 'GENERIC',
      asset: 'ids-1',
      signature: 'ET SCAN',
      occurredAt: at(i),
    }));
    await storeAlerts(pool, tenant.mspId, companyId, stream);
    await drain(companyId);
    await tickCompany(pool, companyId, at(1000));
    const rows = await incidents(companyId);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.status)).toEqual(['RESOLVED', 'RESOLVED', 'RESOLVED']);
    expect(rows[0]!.resolutionNote).toMatch(/maximum span \(60 min\)/);
    expect(rows[2]!.resolutionNote).toMatch(/firing TTL \(15 min\)/);
    expect(rows.every((r) => r.firingCount === 0)).toBe(true);

    const cfg = (await loadCompanyConfig(poolRunner(pool), companyId))!.config;
    const alerts = (
      await q<Record<string, unknown>>(
        pool,
        `SELECT ${ALERT_COLUMNS} FROM "Alert" WHERE "companyId" = $1 ORDER BY id`,
        [companyId],
      )
    ).rows.map(toEngineAlert);
    const e = new CorrelationEngine({ config: cfg });
    e.process(alerts);
    e.tick(at(1000));
    const pure = e.incidents().map((i) => [i.firstSeenAt.toISOString(), i.resolvedAt?.toISOString()]);
    expect(
      rows.map((r) => [(r.firstSeenAt as Date).toISOString(), (r.resolvedAt as Date).toISOString()]),
    ).toEqual(pure);
  });

  it('the kind comes from the alert, else its API key, else the source default', async () => {
    const companyId = await tenant.company('Keys');
    const key = await q<{ id: string }>(
      pool,
      `INSERT INTO "ApiKey" ("mspId", "companyId", name, prefix, hash, "alertKind")
       VALUES ($1, $2, 'syslog', $3, 'x', 'EVENT') RETURNING id`,
      [tenant.mspId, companyId, `aw_${randomBytes(4).toString('hex')}`],
    );
    const apiKeyId = key.rows[0]!.id;
    await storeAlerts(pool, tenant.mspId, companyId, [
      { asset: 'a', signature: 'by-key', apiKeyId, occurredAt: at(0) },
      { asset: 'a', signature: 'alert-says-stateful', apiKeyId, kind: 'STATEFUL', occurredAt: at(0) },
      { asset: 'a', signature: 'native-default', occurredAt: at(0) },
      { asset: 'a', signature: 'alert-says-event', kind: 'EVENT', occurredAt: at(0) },
    ]);
    await drain(companyId);
    await tickCompany(pool, companyId, at(120));
    const bySig = new Map((await incidents(companyId)).map((r) => [r.signature, r.status]));
    expect(Object.fromEntries(bySig)).toEqual({
      'by-key': 'RESOLVED',
      'alert-says-stateful': 'OPEN',
      'native-default': 'OPEN',
      'alert-says-event': 'RESOLVED',
    });
  });

  it('a stateful incident with no update for the stale time is marked stale by the tick, not resolved', async () => {
    const companyId = await tenant.company('Stale');
    await settings(companyId, { staleAfterMinutes: 60 });
    await storeAlerts(pool, tenant.mspId, companyId, [
      { asset: 'db-1', signature: 'replication_lag', occurredAt: at(0) },
    ]);
    await drain(companyId);
    await tickCompany(pool, companyId, at(30));
    expect((await incidents(companyId))[0]!.stale).toBe(false);
    const ev = await tickCompany(pool, companyId, at(61));
    expect(ev.map((e) => e.incidentId)).toHaveLength(1);
    const [inc] = await incidents(companyId);
    expect(inc!.stale).toBe(true);
    expect(inc!.status).toBe('OPEN');
    const tl = await q<{ type: string; createdAt: Date }>(
      pool,
      `SELECT type, "createdAt" FROM "IncidentEvent" WHERE "incidentId" = $1 AND type = 'stale'`,
      [inc!.id],
    );
    expect(tl.rows.map((r) => r.createdAt.toISOString())).toEqual([at(60).toISOString()]);
  });

  it('links incidents sharing src_ip within the window into one situation, explained per edge', async () => {
    const companyId = await tenant.company('Attack');
    await storeAlerts(pool, tenant.mspId, companyId, [
      { asset: 'fw-1', signature: 'port_scan', labels: { src_ip: '203.0.113.7' }, occurredAt: at(0) },
      { asset: 'web-1', signature: 'ssh_brute_force', labels: { src_ip: '203.0.113.7' }, occurredAt: at(8) },
      { asset: 'web-1', signature: 'web_shell', labels: { src_ip: '203.0.113.7' }, occurredAt: at(20) },
      { asset: 'db-9', signature: 'backup_failed', occurredAt: at(5) },
    ]);
    await drain(companyId, 2);
    const rows = await incidents(companyId);
    const attack = rows.filter((r) => r.asset !== 'db-9');
    expect(attack).toHaveLength(3);
    const sid = attack[0]!.situationId as string;
    expect(sid).toBeTruthy();
    expect(attack.every((r) => r.situationId === sid)).toBe(true);
    expect(rows.find((r) => r.asset === 'db-9')!.situationId).toBeNull();
    const sit = await q<Record<string, unknown>>(
      pool,
      `SELECT "incidentCount", status FROM "Situation" WHERE id = $1`,
      [sid],
    );
    expect(sit.rows[0]).toMatchObject({ incidentCount: 3, status: 'OPEN' });
    const title = await q<{ title: string }>(pool, `SELECT title FROM "Situation" WHERE id = $1`, [sid]);
    expect(title.rows[0]!.title).toBe('port_scan on fw-1'); // its earliest incident
    const links = await q<{ explanation: string; entity: string; value: string }>(
      pool,
      `SELECT explanation, entity, value FROM "SituationLink" WHERE "situationId" = $1 ORDER BY id`,
      [sid],
    );
    expect(links.rows.length).toBe(3);
    expect(
      links.rows.some((l) => /both carry src_ip=203\.0\.113\.7 within \d+ min/.test(l.explanation)),
    ).toBe(true);
    // KPIs: 4 alerts, 4 incidents, 2 items (the situation and db-9 alone).
    const nr = await noiseReduction(
      poolRunner(pool),
      { mspId: tenant.mspId, companyId },
      { from: at(-60), to: new Date(Date.now() + 3600_000) },
    );
    expect(nr).toMatchObject({
      alerts: 4,
      incidents: 4,
      situations: 2,
      noiseReductionPct: 0,
      noiseReductionBySituationsPct: 50,
    });
    const csv = kpiCsv({ period: { from: 'f', to: 't' }, noise: nr } as unknown as KpiReport, 'noise');
    expect(csv.split('\n')[0]).toContain('situations,noiseReductionBySituationsPct');
  });

  it('a value carried by most recent incidents (a hub) is not used for linking', async () => {
    const companyId = await tenant.company('Hub');
    await settings(companyId, { hubMinIncidents: 3, hubShare: 0.5 });
    const nat = { ip: '10.9.9.9' };
    await storeAlerts(pool, tenant.mspId, companyId, [
      ...[0, 40, 80].map((m, i) => ({
        source: 'GENERIC',
        asset: `old-${i}`,
        signature: 'x',
        labels: nat,
        occurredAt: at(m),
      })),
      { source: 'GENERIC', asset: 'new-1', signature: 'y', labels: nat, occurredAt: at(120) },
      { source: 'GENERIC', asset: 'new-2', signature: 'z', labels: nat, occurredAt: at(121) },
    ]);
    await drain(companyId, 1);
    const rows = await incidents(companyId);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.situationId === null)).toBe(true);
  });

  it('a situation closes when its last incident resolves', async () => {
    const companyId = await tenant.company('Close');
    await storeAlerts(pool, tenant.mspId, companyId, [
      { source: 'GENERIC', asset: 'h1', signature: 'a', labels: { user: 'bob' }, occurredAt: at(0) },
      { source: 'GENERIC', asset: 'h2', signature: 'b', labels: { user: 'bob' }, occurredAt: at(1) },
    ]);
    await drain(companyId);
    const sid = (await incidents(companyId))[0]!.situationId as string;
    expect(sid).toBeTruthy();
    await tickCompany(pool, companyId, at(200));
    const s = await q<{ status: string }>(pool, `SELECT status FROM "Situation" WHERE id = $1`, [sid]);
    expect(s.rows[0]!.status).toBe('RESOLVED');
  });
});
