// Through the store (real Postgres): what correlation tells the live board about situations
// (created, joined, closed on the incident change events), and the backtest comparing candidate
// situation settings with the stored ones.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backtest } from '../backtest/index.ts';
import { poolRunner } from '../sql-runner.ts';
import { createTenant, storeAlerts } from '../testing/fixtures.ts';
import { correlateCompany, tickCompany, type IncidentChangedEvent } from './apply.ts';

const T0 = new Date('2026-03-02T10:00:00Z').getTime();
const at = (min: number) => new Date(T0 + min * 60_000);

describe.each(inject('pgTargets'))('situation events and situation backtests on $name', (target) => {
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

  async function drain(companyId: string, batchSize: number): Promise<IncidentChangedEvent[]> {
    const events: IncidentChangedEvent[] = [];
    for (;;) {
      const r = await correlateCompany(pool, companyId, { batchSize });
      if (!r.decided) return events;
      events.push(...r.events);
    }
  }

  it('says which change created a situation, which joined it, and which closed it', async () => {
    const companyId = await tenant.company('Live');
    const ip = { src_ip: '203.0.113.7' };
    await storeAlerts(pool, tenant.mspId, companyId, [
      { source: 'GENERIC', asset: 'fw-1', signature: 'port_scan', labels: ip, occurredAt: at(0) },
      { source: 'GENERIC', asset: 'web-1', signature: 'brute_force', labels: ip, occurredAt: at(5) },
      { source: 'GENERIC', asset: 'web-2', signature: 'web_shell', labels: ip, occurredAt: at(9) },
      { source: 'GENERIC', asset: 'db-9', signature: 'backup_failed', occurredAt: at(10) },
    ]);
    const events = await drain(companyId, 1);
    const created = events.filter((e) => e.type === 'incident.created');
    expect(created).toHaveLength(4);
    // The first incident is alone when it opens; the second forms the situation with it; the third joins.
    expect(created[0]!.situationChange).toBeUndefined();
    expect(created[1]).toMatchObject({ situationChange: 'created' });
    const sid = created[1]!.situationId!;
    expect(sid).toBeTruthy();
    expect(created[2]).toMatchObject({ situationId: sid, situationChange: 'joined' });
    expect(created[3]!.situationId).toBeUndefined();

    // The event TTL (the 15 min window) runs out: every incident resolves, the situation closes,
    // and the events of its incidents say so.
    const ticked = await tickCompany(pool, companyId, at(120));
    const closing = ticked.filter((e) => e.situationChange === 'closed');
    expect(closing.map((e) => e.situationId)).toEqual(closing.map(() => sid));
    expect(closing.length).toBeGreaterThanOrEqual(1);
    expect(ticked.find((e) => e.title.includes('backup_failed'))!.situationChange).toBeUndefined();
    const s = await pool.query<{ status: string }>(`SELECT status FROM "Situation" WHERE id = $1`, [sid]);
    expect(s.rows[0]!.status).toBe('RESOLVED');
    // Nothing left to close: a second tick announces no situation change.
    expect((await tickCompany(pool, companyId, at(240))).filter((e) => e.situationChange)).toEqual([]);
  });

  it('topology from the settings map and from alert labels links hosts to their switch', async () => {
    const companyId = await tenant.company('Rack');
    await pool.query(
      `INSERT INTO "CorrelationSettings" ("companyId", "mspId", topology, "updatedAt") VALUES ($1, $2, $3::jsonb, now())`,
      [companyId, tenant.mspId, JSON.stringify({ 'web-1': ['sw-9'] })],
    );
    await storeAlerts(pool, tenant.mspId, companyId, [
      { asset: 'sw-9', signature: 'switch_down', occurredAt: at(0) },
      { asset: 'web-1', signature: 'host_unreachable', occurredAt: at(1) }, // from the map
      { asset: 'web-2', signature: 'host_unreachable', labels: { parent: 'sw-9' }, occurredAt: at(2) },
      {
        asset: 'web-3',
        signature: 'host_unreachable',
        labels: { depends_on: 'pdu-1, sw-9' },
        occurredAt: at(3),
      },
      { asset: 'web-4', signature: 'host_unreachable', occurredAt: at(4) }, // nothing says it is behind sw-9
    ]);
    await drain(companyId, 2);
    const rows = await pool.query<{ asset: string; situationId: string | null }>(
      `SELECT asset, "situationId" FROM "Incident" WHERE "companyId" = $1 ORDER BY asset`,
      [companyId],
    );
    const of = Object.fromEntries(rows.rows.map((r) => [r.asset, r.situationId]));
    expect(of['sw-9']).toBeTruthy();
    for (const h of ['web-1', 'web-2', 'web-3']) expect(of[h]).toBe(of['sw-9']);
    expect(of['web-4']).toBeNull();
    const why = await pool.query<{ explanation: string }>(
      `SELECT explanation FROM "SituationLink" WHERE "situationId" = $1 ORDER BY id`,
      [of['sw-9']],
    );
    expect(why.rows.some((r) => /depend on or are sw-9 \(topology\)/.test(r.explanation))).toBe(true);
  });

  it('the backtest compares the stored situation settings with candidate ones', async () => {
    const companyId = await tenant.company('Preview');
    const user = { user: 'mallory' };
    // Two bursts of three incidents on different hosts sharing a user, 20 minutes apart inside
    // each burst's span; and a host pair sharing only the asset.
    await storeAlerts(pool, tenant.mspId, companyId, [
      { source: 'GENERIC', asset: 'vpn-1', signature: 'login_failed', labels: user, occurredAt: at(0) },
      { source: 'GENERIC', asset: 'mail-1', signature: 'mailbox_rule', labels: user, occurredAt: at(20) },
      { source: 'GENERIC', asset: 'file-1', signature: 'mass_download', labels: user, occurredAt: at(40) },
      { source: 'GENERIC', asset: 'db-1', signature: 'slow_query', occurredAt: at(100) },
      { source: 'GENERIC', asset: 'db-1', signature: 'replication_lag', occurredAt: at(102) },
    ]);
    await drain(companyId, 50);
    const period = { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000) };
    const sql = poolRunner(pool);

    const same = await backtest({ sql, companyId, ...period, candidate: {} });
    expect(same.current.situations).toBe(same.candidate.situations);
    expect(same.current.situationConfig).toEqual(same.candidate.situationConfig);
    // Stored defaults (window 30): the user links the three, the asset the db pair: 2 items.
    expect(same.current).toMatchObject({
      incidents: 5,
      linkedSituations: 2,
      largestSituation: 3,
      situations: 2,
    });

    // A 10-minute situation window keeps the user's incidents (20 min apart) apart; asset only
    // keeps the db pair linked.
    const r = await backtest({
      sql,
      companyId,
      ...period,
      candidate: {},
      candidateSituations: { windowMinutes: 10, entities: ['asset'] },
    });
    expect(r.current.situations).toBe(2);
    expect(r.candidate).toMatchObject({
      incidents: 5,
      linkedSituations: 1,
      largestSituation: 2,
      situations: 4,
    });
    expect(r.candidate.situationConfig).toMatchObject({ windowMinutes: 10, entities: ['asset'] });
    expect(r.candidate.noiseReductionBySituationsPct).toBe(20);
    expect(r.current.noiseReductionBySituationsPct).toBe(60);

    // Situations off: every incident is an item of its own.
    const off = await backtest({
      sql,
      companyId,
      ...period,
      candidate: {},
      candidateSituations: { enabled: false },
    });
    expect(off.candidate).toMatchObject({ linkedSituations: 0, situations: 5 });

    // A bad candidate is refused with the field named, and nothing is computed.
    await expect(
      backtest({ sql, companyId, ...period, candidate: {}, candidateSituations: { hubShare: 2 } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/hubShare/) });
    await expect(
      backtest({ sql, companyId, ...period, candidate: {}, candidateSituations: { entities: ['label:'] } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/entities/) });
  });
});
