import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCaller } from '../../root';
import { createContext } from '../../trpc';
import type { Root } from '../../composition';
import { testRoot } from '../../../testing/services';

const [target] = inject('pgTargets');

describe('compliance procedures: tenancy and roles', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  const ids: Record<string, string> = {};
  const as = async (userId: string) => createCaller(await createContext({ userId, services: root }));

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
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    root = testRoot(db.url, { prisma });
    const passwordHash = await hashPassword('irrelevant password');
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
        const u = await prisma.user.create({
          data: { email: `pc-${role}@${m}.test`, name: role, passwordHash },
        });
        await prisma.membership.create({ data: { userId: u.id, mspId: msp.id, role } });
        ids[`${role}${m}`] = u.id;
      }
    }
    const client = await prisma.user.create({
      data: { email: 'pc-viewer@a1.test', name: 'c', passwordHash },
    });
    await prisma.membership.create({
      data: { userId: client.id, mspId: ids.mspa!, companyId: ids.a1!, role: 'CLIENT_VIEWER' },
    });
    ids.client = client.id;
  });
  afterAll(async () => {
    await root?.stop();
    await prisma.$disconnect();
    await db.drop();
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
