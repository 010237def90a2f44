import { correlateCompany } from '@aw/correlation';
import { patchNode, DEMO_PATCH_FLEET, type FakePatch } from '@aw/aws-fake';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, REGION, type Harness } from './testing/harness.ts';
import {
  companyCompliance,
  exportSnapshots,
  mspCompliance,
  RULES,
  FLEET_ASSET,
  runSync,
  updateSettings,
} from './index.ts';

const target = inject('pgTargets')[0]!;
const DAY = 86_400_000;
const dayOf = (offset: number) => new Date(Date.now() + offset).toISOString().slice(0, 10);

describe(`compliance figures over time on ${target.name}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Sets a demo node's patches in the fake (every open patch installed, or as given). */
  function setPatches(
    c: { accountId: string; nodes: Record<string, string> },
    name: string,
    patches?: FakePatch[],
  ) {
    const def = DEMO_PATCH_FLEET.find((n) => n.name === name)!;
    const fixed = def.patches.map((p) =>
      p.State === 'NOT_APPLICABLE' ? p : { ...p, State: 'INSTALLED' as const },
    );
    h.fake.setPatchState(
      c.accountId,
      REGION,
      c.nodes[name]!,
      patchNode({ ...def, patches: patches ?? fixed }, Date.now()),
    );
  }
  async function syncAt(companyId: string, offset: number) {
    h.at(offset);
    try {
      return await runSync(h.deps, { companyId, trigger: 'demo' });
    } finally {
      h.at(0);
    }
  }

  it('builds a 30-day trend from each day’s last sync, per company and across the MSP', async () => {
    const a = await h.company('trend-a');
    const b = await h.company('trend-b');
    await syncAt(a.id, -3 * DAY); // 3/8
    setPatches(a, 'app-01');
    await syncAt(a.id, -2 * DAY); // 4/8
    await syncAt(a.id, -DAY); // 4/8, then the same day dc-01 breaks: 3/8 is that day's value
    setPatches(a, 'dc-01', [
      {
        Title: 'KB1',
        KBId: 'KB1',
        Classification: 'SecurityUpdates',
        Severity: 'Critical',
        State: 'MISSING',
      },
    ]);
    await syncAt(a.id, -DAY + 1000);
    setPatches(a, 'dc-01');
    setPatches(a, 'file-01');
    await syncAt(a.id, 0); // 5/8
    // b: the untouched demo fleet, synced today only (3/8).
    await syncAt(b.id, 0);
    const view = await companyCompliance(h.prisma, { companyId: a.id, now: h.clock() });
    expect(view.trend.map((p) => [p.day, p.compliant, p.scanned, p.compliancePercent])).toEqual([
      [dayOf(-3 * DAY), 3, 8, 37.5],
      [dayOf(-2 * DAY), 4, 8, 50],
      [dayOf(-DAY), 3, 8, 37.5],
      [dayOf(0), 5, 8, 62.5],
    ]);
    // Critical missing over the days: 3, then app-01's 2 fixed → 1, then dc-01's +1 → 2, then 0.
    expect(view.trend.map((p) => p.criticalMissing)).toEqual([3, 1, 2, 0]);
    const msp = await mspCompliance(h.prisma, { mspId: h.msp.id, now: h.clock() });
    // Ranked worst first: b (37.5 %) before a (62.5 %); MSP today: (5 + 3) / (8 + 8) = 50 %.
    expect(msp.ranking.map((r) => [r.slug, r.figures?.compliancePercent])).toEqual([
      ['trend-b', 37.5],
      ['trend-a', 62.5],
    ]);
    expect(msp.totals).toMatchObject({ companies: 2, compliant: 8, scanned: 16, compliancePercent: 50 });
    expect(msp.trend.at(-1)).toEqual({
      day: dayOf(0),
      compliant: 8,
      scanned: 16,
      compliancePercent: 50,
      criticalMissing: 3,
    });
    expect(msp.trend[0]).toEqual({
      day: dayOf(-3 * DAY),
      compliant: 3,
      scanned: 8,
      compliancePercent: 37.5,
      criticalMissing: 3,
    });
  });

  it('keeps snapshots for the retention period (90 days by default)', async () => {
    const c = await h.company('retention');
    const old = await syncAt(c.id, -100 * DAY);
    const recent = await syncAt(c.id, -80 * DAY);
    await syncAt(c.id, 0);
    expect(await h.prisma.patchComplianceSnapshot.count({ where: { syncId: old } })).toBe(0);
    expect(await h.prisma.patchComplianceSync.count({ where: { id: old } })).toBe(0);
    expect(await h.prisma.patchComplianceSnapshot.count({ where: { syncId: recent } })).toBe(9);
    await updateSettings(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      actorId: null,
      change: { retentionDays: 30 },
    });
    await syncAt(c.id, 0);
    expect(await h.prisma.patchComplianceSnapshot.count({ where: { syncId: recent } })).toBe(0);
    expect(await h.prisma.patchComplianceSnapshot.count({ where: { companyId: c.id } })).toBe(18);
  });

  it('raises threshold alerts into correlation and resolves them when the condition clears', async () => {
    const c = await h.company('alerts');
    await updateSettings(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      actorId: null,
      change: { minCompliancePercent: 50, criticalMissingDays: 2, alertOnStale: true },
    });
    const alerts = async () =>
      (
        await h.prisma.alert.findMany({
          where: { companyId: c.id, source: 'PATCH_COMPLIANCE' },
          orderBy: { id: 'asc' },
        })
      ).map((a) => `${a.status} ${a.signature} ${a.asset === FLEET_ASSET ? 'fleet' : a.asset}`);
    await syncAt(c.id, -3 * DAY);
    // 3 days ago: below 50 % and two stale nodes (legacy-01 scanned 18 days before, build-01 never);
    // critical patches missing only since this very sync.
    expect((await alerts()).sort()).toEqual(
      [
        `FIRING ${RULES.belowThreshold} fleet`,
        `FIRING ${RULES.staleScan} ${c.nodes['build-01']}`,
        `FIRING ${RULES.staleScan} ${c.nodes['legacy-01']}`,
      ].sort(),
    );
    await syncAt(c.id, 0);
    // Now app-01 and file-01 have missed critical patches for 3 days (> 2); nothing is sent twice.
    const now1 = await alerts();
    expect(now1).toHaveLength(5);
    expect(now1.slice(3).sort()).toEqual(
      [
        `FIRING ${RULES.criticalMissing} ${c.nodes['app-01']}`,
        `FIRING ${RULES.criticalMissing} ${c.nodes['file-01']}`,
      ].sort(),
    );
    const stored = await h.prisma.alert.findFirstOrThrow({
      where: { companyId: c.id, signature: RULES.criticalMissing, asset: c.nodes['app-01'] },
    });
    expect([stored.severity, stored.decision, (stored.labels as Record<string, string>).source]).toEqual([
      'HIGH',
      'PENDING',
      'patch-compliance',
    ]);
    expect(h.stored).toContain(stored.id);
    // Correlation takes them like any alert: one incident per asset/signature.
    await correlateCompany(h.pool, c.id);
    const open = await h.prisma.incident.findMany({
      where: { companyId: c.id, status: { not: 'RESOLVED' } },
    });
    expect(open.map((i) => i.signature).sort()).toEqual(
      [
        RULES.belowThreshold,
        RULES.criticalMissing,
        RULES.criticalMissing,
        RULES.staleScan,
        RULES.staleScan,
      ].sort(),
    );
    // The critical patches get installed: 5/8 = 62.5 % ≥ 50; both critical alerts and the fleet one clear.
    setPatches(c, 'app-01');
    setPatches(c, 'file-01');
    await syncAt(c.id, 1000);
    const now2 = await alerts();
    expect(now2.slice(5).sort()).toEqual(
      [
        `RESOLVED ${RULES.belowThreshold} fleet`,
        `RESOLVED ${RULES.criticalMissing} ${c.nodes['app-01']}`,
        `RESOLVED ${RULES.criticalMissing} ${c.nodes['file-01']}`,
      ].sort(),
    );
    await correlateCompany(h.pool, c.id);
    const still = await h.prisma.incident.findMany({
      where: { companyId: c.id, status: { not: 'RESOLVED' } },
    });
    expect(still.map((i) => i.signature)).toEqual([RULES.staleScan, RULES.staleScan]);
  });

  it('exports the snapshots to S3 as JSON Lines, CSV and a QuickSight manifest', async () => {
    const c = await h.company('export', { bucket: 'acme-compliance-export' });
    await runSync(h.deps, { companyId: c.id, trigger: 'manual' });
    await updateSettings(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      actorId: null,
      change: { exportEnabled: true, exportBucket: 'acme-compliance-export', exportPrefix: 'compliance' },
    });
    const out = await exportSnapshots(h.deps, c.id);
    const day = dayOf(0);
    expect(out).toEqual({
      rows: 9,
      keys: [
        `compliance/snapshots/dt=${day}/snapshots.csv`,
        `compliance/jsonl/dt=${day}/snapshots.jsonl`,
        'compliance/manifest.json',
      ],
    });
    const objects = h.fake.state.accounts[c.accountId]!.buckets!['acme-compliance-export']!.objects;
    const lines = objects[out.keys[1]!]!.body.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(9);
    expect(lines.find((l) => l.nodeName === 'app-01')).toMatchObject({
      compliant: false,
      criticalMissing: 2,
      companySlug: 'export',
    });
    const csv = objects[out.keys[0]!]!.body.trim().split('\r\n');
    expect(csv[0]).toBe(
      'capturedAt,companySlug,instanceId,nodeName,platformType,scanned,compliant,installedCount,missingCount,failedCount,pendingRebootCount,criticalMissing,securityMissing,otherMissing,operation,operationEndedAt,baselineId,patchGroup',
    );
    expect(csv).toHaveLength(10);
    expect(JSON.parse(objects['compliance/manifest.json']!.body)).toEqual({
      fileLocations: [{ URIPrefixes: ['s3://acme-compliance-export/compliance/snapshots/'] }],
      globalUploadSettings: { format: 'CSV', delimiter: ',', textqualifier: '"', containsHeader: 'true' },
    });
    const settings = await h.prisma.patchComplianceSettings.findUniqueOrThrow({ where: { companyId: c.id } });
    expect(settings.lastExportAt).not.toBeNull();
    // A prefix the role was not granted: refused by S3, recorded, nothing written there.
    await updateSettings(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      actorId: null,
      change: { exportPrefix: 'elsewhere' },
    });
    await expect(exportSnapshots(h.deps, c.id)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('s3:PutObject'),
    });
    expect(Object.keys(objects).some((k) => k.startsWith('elsewhere/'))).toBe(false);
    expect(
      (await h.prisma.patchComplianceSettings.findUniqueOrThrow({ where: { companyId: c.id } }))
        .lastExportError,
    ).toMatch(/^AccessDenied/);
  });
});
