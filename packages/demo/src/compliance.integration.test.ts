import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsWorld, type AwsWorld } from '@aw/aws/testing';
import { companyCompliance, mspCompliance } from '@aw/compliance';
import { seedComplianceDemo } from './compliance.ts';

const target = inject('pgTargets')[0]!;

describe(`the compliance demo on ${target.name}`, () => {
  let h: AwsWorld;
  beforeAll(async () => {
    h = await createAwsWorld(target, { firstAccount: 600000000000 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives each simulated company figures, a backfilled trend and worst nodes, once', async () => {
    const a = await h.simulatedCompany('demo-a');
    const b = await h.simulatedCompany('demo-b');
    const lines: string[] = [];
    const demo = { fake: h.fake, ...h.runtime.options.fake! };
    await seedComplianceDemo(h.prisma, h.dbUrl, demo, (l) => lines.push(l));
    expect(lines).toEqual([
      '▸ Patch compliance for demo-a: 9 nodes, 14 days of trend',
      '▸ Patch compliance for demo-b: 9 nodes, 14 days of trend',
    ]);
    const view = await companyCompliance(h.prisma, { companyId: a.id, now: h.clock() });
    expect(view.figures).toMatchObject({ nodes: 9, scanned: 8, compliant: 3, compliancePercent: 37.5 });
    expect(view.trend).toHaveLength(15);
    // Today's compliant nodes were behind k days ago when k > 3 × (their place in the fleet + 1):
    // web-01 (1st) until 3 days ago, web-02 (2nd) until 6, dc-01 (6th) never within 14 days.
    expect(view.trend.map((p) => p.compliancePercent)).toEqual([
      ...Array<number>(8).fill(12.5),
      ...Array<number>(3).fill(25),
      ...Array<number>(4).fill(37.5),
    ]);
    expect(view.worstNodes[0]!.name).toBe('demo-a-app-01');
    // b had its critical and failed nodes patched: 6 of 8, ranked after a.
    const msp = await mspCompliance(h.prisma, { mspId: h.msp.id, now: h.clock() });
    expect(msp.ranking.map((r) => [r.slug, r.figures?.compliancePercent])).toEqual([
      ['demo-a', 37.5],
      ['demo-b', 75],
    ]);
    // A second start changes nothing.
    const syncs = await h.prisma.patchComplianceSync.count({ where: { companyId: b.id } });
    await seedComplianceDemo(h.prisma, h.dbUrl, demo, (l) => lines.push(l));
    expect(await h.prisma.patchComplianceSync.count({ where: { companyId: b.id } })).toBe(syncs);
  });
});
