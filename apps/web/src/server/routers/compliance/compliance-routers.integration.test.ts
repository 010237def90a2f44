import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestbed, type Testbed } from '../../../testing/testbed';

const [target] = inject('pgTargets');

describe('compliance procedures: tenancy and roles', () => {
  let t: Testbed;
  let prisma: Testbed['prisma'];
  const ids: Record<string, string> = {};
  const as = (userId: string) => t.as(userId);

  /** One successful sync with `compliant` of `scanned` nodes compliant. */
  async function seedSync(mspId: string, companyId: string, compliant: number, scanned: number) {
    const sync = await prisma.patchComplianceSync.create({
      data: {
        mspId,
        companyId,
        status: 'SUCCEEDED',
        finishedAt: new Date(),
        nodesTotal: scanned,
        nodesDone: scanned,
      },
    });
    for (let i = 0; i < scanned; i++)
      await prisma.patchComplianceSnapshot.create({
        data: {
          mspId,
          companyId,
          syncId: sync.id,
          instanceId: `i-${String(i).padStart(17, '0')}`,
          nodeName: `node-${i}`,
          compliant: i < compliant,
          missingCount: i < compliant ? 0 : 1,
          criticalMissing: i < compliant ? 0 : 1,
          operationEndedAt: new Date(),
          raw: {
            openPatches: i < compliant ? [] : [{ kbId: 'KB1', severity: 'Critical', state: 'MISSING' }],
          },
        },
      });
  }

  beforeAll(async () => {
    t = await createTestbed(target!);
    prisma = t.prisma;
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${m}`, slug: `pc-${m}` } });
      ids[`msp${m}`] = msp.id;
      for (const [c, compliant] of [
        ['1', 3],
        ['2', 1],
      ] as const) {
        const company = await prisma.company.create({
          data: { mspId: msp.id, name: `${m}${c}`, slug: `${m}${c}`, awsExternalId: `pc-x${m}${c}` },
        });
        ids[`${m}${c}`] = company.id;
        await seedSync(msp.id, company.id, compliant, 4);
      }
      for (const role of ['OWNER', 'TECHNICIAN'] as const) {
        ids[`${role}${m}`] = await t.member(`pc-${role}@${m}.test`, msp.id, role);
      }
    }
    ids.client = await t.member('pc-viewer@a1.test', ids.mspa!, 'CLIENT_VIEWER', ids.a1);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the client portal shows its own company’s figures only, read-only', async () => {
    const c = await as(ids.client!);
    const mine = await c.compliance.company({ companyId: ids.a1! });
    expect(mine.figures).toMatchObject({ compliant: 3, scanned: 4, compliancePercent: 75 });
    const node = await c.compliance.node({ companyId: ids.a1!, instanceId: 'i-00000000000000003' });
    expect(node.bySeverity).toEqual([
      { severity: 'Critical', patches: [{ kbId: 'KB1', severity: 'Critical', state: 'MISSING' }] },
    ]);
    const csv = await c.compliance.csv({ kind: 'nodes', companyId: ids.a1! });
    expect(csv.csv.trim().split('\r\n')).toHaveLength(5);
    for (const other of [ids.a2!, ids.b1!])
      await expect(c.compliance.company({ companyId: other })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(c.compliance.csv({ kind: 'nodes', companyId: ids.a2! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(c.compliance.msp()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.compliance.csv({ kind: 'ranking' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.compliance.sync({ companyId: ids.a1! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      c.compliance.saveSettings({ companyId: ids.a1!, change: { minCompliancePercent: 10 } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await prisma.patchComplianceSettings.count()).toBe(0);
    expect(await prisma.job.count()).toBe(0);
  });

  it('the MSP page ranks only the MSP’s own companies, worst first', async () => {
    const o = await as(ids.OWNERa!);
    const m = await o.compliance.msp();
    expect(m.ranking.map((r) => [r.slug, r.figures?.compliancePercent])).toEqual([
      ['a2', 25],
      ['a1', 75],
    ]);
    expect(m.totals).toMatchObject({ compliant: 4, scanned: 8, compliancePercent: 50 });
    const csv = await o.compliance.csv({ kind: 'ranking' });
    expect(csv.csv.split('\r\n')[1]).toMatch(/^a2,25,1,4,3,0,/);
    await expect((await as(ids.OWNERb!)).compliance.company({ companyId: ids.a1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('technicians sync, only admins change thresholds, bad settings change nothing', async () => {
    const t = await as(ids.TECHNICIANa!);
    const first = await t.compliance.sync({ companyId: ids.a1! });
    const again = await t.compliance.sync({ companyId: ids.a1! });
    expect([first.created, again.created, again.jobId]).toEqual([true, false, first.jobId]);
    await expect(t.compliance.sync({ companyId: ids.b1! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      t.compliance.saveSettings({ companyId: ids.a1!, change: { minCompliancePercent: 90 } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const o = await as(ids.OWNERa!);
    await expect(
      o.compliance.saveSettings({ companyId: ids.a1!, change: { exportEnabled: true } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await prisma.patchComplianceSettings.count()).toBe(0);
    const saved = await o.compliance.saveSettings({
      companyId: ids.a1!,
      change: { minCompliancePercent: 90, syncIntervalHours: 12 },
    });
    expect([saved.minCompliancePercent, saved.syncIntervalHours, saved.retentionDays]).toEqual([90, 12, 90]);
  });
});
