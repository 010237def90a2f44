import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, REGION, type Harness } from './testing/harness.ts';
import {
  companyCompliance,
  nodeDetail,
  registerSyncWorker,
  requestSync,
  runSync,
  scheduleDue,
  updateSettings,
  SYNC_JOB,
} from './index.ts';
import type { FleetNode } from '@aw/aws-fake';

const target = inject('pgTargets')[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`patch compliance sync on ${target.name}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores one snapshot per node and computes every figure as worked out by hand', async () => {
    const c = await h.company('acme');
    const syncId = await runSync(h.deps, { companyId: c.id, trigger: 'manual' });
    const sync = await h.prisma.patchComplianceSync.findUniqueOrThrow({ where: { id: syncId } });
    expect([sync.status, sync.nodesTotal, sync.nodesDone, sync.error]).toEqual(['SUCCEEDED', 9, 9, null]);
    const view = await companyCompliance(h.prisma, { companyId: c.id, now: h.clock() });
    // Demo fleet (packages/aws-fake/src/patch-fleet.ts), by hand:
    //  scanned 8 of 9 (build-01 never scanned); compliant web-01, web-02, dc-01 → 3/8 = 37.5 %
    //  critical: app-01 2 + file-01 1 = 3; security: app-01 1 + db-01 1 (failed) + api-01 1
    //  (pending reboot) + file-01 2 = 5; pending reboot: api-01; stale (> 7 days): legacy-01 (21 d).
    expect(view.figures).toEqual({
      nodes: 9,
      scanned: 8,
      compliant: 3,
      nonCompliant: 5,
      compliancePercent: 37.5,
      criticalMissing: 3,
      securityMissing: 5,
      nodesWithCriticalMissing: 2,
      pendingReboot: 1,
      stale: 1,
      noScan: 1,
    });
    // Worst first: critical 2, critical 1, then security 1 with 2 open (db-01) before 1 open (api-01).
    expect(view.worstNodes.map((n) => n.name)).toEqual(['app-01', 'file-01', 'db-01', 'api-01', 'legacy-01']);
    expect(sync.summary).toMatchObject({
      ComplianceType: 'Patch',
      CompliantSummary: { CompliantCount: 3 },
      NonCompliantSummary: { NonCompliantCount: 5 },
    });
    const detail = await nodeDetail(h.prisma, {
      companyId: c.id,
      instanceId: c.nodes['app-01']!,
      now: h.clock(),
    });
    expect(detail.node).toMatchObject({
      baselineId: 'pb-0e392de35e7c563b7',
      baselineName: 'AWS-AmazonLinux2023DefaultPatchBaseline',
      patchGroup: 'linux-prod',
      operation: 'Scan',
      overallSeverity: 'CRITICAL',
    });
    expect(detail.bySeverity.map((g) => [g.severity, g.patches.length])).toEqual([
      ['Critical', 2],
      ['Important', 1],
    ]);
    const progress = h.published.filter((e) => e.type === 'compliance.sync.progress').map((e) => e.payload);
    expect(progress.at(-1)).toEqual({ syncId, status: 'SUCCEEDED', nodesDone: 9, nodesTotal: 9 });
    expect(h.published.some((e) => e.type === 'compliance.updated' && e.companyId === c.id)).toBe(true);
  });

  it('pages through 120 nodes and reads patch states in batches of at most 50', async () => {
    const many: FleetNode[] = Array.from({ length: 120 }, (_, i) => ({
      name: `n-${String(i).padStart(3, '0')}`,
      kind: 'ec2',
      platform: 'Linux',
      profile: i % 4 === 0 ? 'missing-critical' : 'compliant',
      scanAgeDays: 1,
      patches: [
        {
          Title: 'kernel',
          KBId: 'kernel',
          Classification: 'Security',
          Severity: 'Critical',
          State: i % 4 === 0 ? 'MISSING' : 'INSTALLED',
        },
      ],
    }));
    const c = await h.company('big', { fleet: many });
    const list0 = h.ssmCalls('DescribeInstanceInformation').length;
    const states0 = h.ssmCalls('DescribeInstancePatchStates').length;
    await runSync(h.deps, { companyId: c.id, trigger: 'manual' });
    // 120 nodes: 3 listing pages of 50 and 3 state batches (50, 50, 20); the fake refuses > 50 ids.
    expect(h.ssmCalls('DescribeInstanceInformation').length - list0).toBe(3);
    expect(h.ssmCalls('DescribeInstancePatchStates').length - states0).toBe(3);
    const view = await companyCompliance(h.prisma, { companyId: c.id, now: h.clock() });
    expect([view.figures!.nodes, view.figures!.compliant, view.figures!.criticalMissing]).toEqual([
      120, 90, 30,
    ]);
    expect(view.figures!.compliancePercent).toBe(75);
  });

  it('retries throttled calls with exponential backoff and jitter', async () => {
    const c = await h.company('throttled');
    h.sleeps.length = 0;
    h.fake.throttle(3, { operation: 'DescribeInstancePatchStates' });
    const syncId = await runSync(h.deps, { companyId: c.id, trigger: 'manual' });
    expect((await h.prisma.patchComplianceSync.findUniqueOrThrow({ where: { id: syncId } })).status).toBe(
      'SUCCEEDED',
    );
    // random() = 0.5 × min(20 s, 200 ms × 2^attempt)
    expect(h.sleeps).toEqual([100, 200, 400]);
  });

  it('drops a node deregistered between the listing and the patch states', async () => {
    const c = await h.company('vanishing');
    h.fake.throttle(1, { operation: 'DescribeInstancePatchStates' });
    // While the sync waits out the throttle, two nodes go away (one scanned, one never scanned).
    const deps = {
      ...h.deps,
      sleep: async () => {
        h.fake.removeInstance(c.accountId, REGION, c.nodes['web-01']!);
        h.fake.removeInstance(c.accountId, REGION, c.nodes['build-01']!);
      },
    };
    const syncId = await runSync(deps, { companyId: c.id, trigger: 'manual' });
    const snaps = await h.prisma.patchComplianceSnapshot.findMany({ where: { syncId } });
    expect(snaps.map((s) => s.nodeName).sort()).toEqual(
      ['api-01', 'app-01', 'db-01', 'dc-01', 'file-01', 'legacy-01', 'web-02'].sort(),
    );
    const view = await companyCompliance(h.prisma, { companyId: c.id, now: h.clock() });
    expect([view.figures!.compliant, view.figures!.scanned, view.figures!.noScan]).toEqual([2, 7, 0]);
  });

  it('a failed sync records why and keeps the last good snapshot current', async () => {
    const c = await h.company('failing');
    const good = await runSync(h.deps, { companyId: c.id, trigger: 'manual' });
    // The next sync is throttled beyond its retries.
    h.fake.throttle(6, { operation: 'DescribeInstancePatchStates' });
    const bad = await runSync(h.deps, { companyId: c.id, trigger: 'schedule' });
    const failed = await h.prisma.patchComplianceSync.findUniqueOrThrow({ where: { id: bad } });
    expect([failed.status, failed.error]).toEqual(['FAILED', 'ThrottlingException: Rate exceeded']);
    expect(await h.prisma.patchComplianceSnapshot.count({ where: { syncId: bad } })).toBe(0);
    // And a role without the Patch Manager permissions: the reason names the missing action.
    const role = h.fake.state.accounts[c.accountId]!.roles['AlertWhisperer-Access']!;
    const saved = structuredClone(role.policies);
    for (const p of role.policies)
      p.Statement = (Array.isArray(p.Statement) ? p.Statement : [p.Statement]).filter(
        (s) => (s as { Sid?: string }).Sid !== 'PatchCompliance',
      );
    const denied = await runSync(h.deps, { companyId: c.id, trigger: 'schedule' });
    role.policies = saved;
    const deniedRow = await h.prisma.patchComplianceSync.findUniqueOrThrow({ where: { id: denied } });
    expect(deniedRow.error).toMatch(/^AccessDeniedException: .*ssm:DescribeInstancePatchStates/);
    const view = await companyCompliance(h.prisma, { companyId: c.id, now: h.clock() });
    expect(view.asOf).toEqual(
      (await h.prisma.patchComplianceSync.findUniqueOrThrow({ where: { id: good } })).startedAt,
    );
    expect(view.figures!.compliancePercent).toBe(37.5);
    expect([view.lastSync!.status, view.lastSync!.id]).toEqual(['FAILED', denied]);
  });

  it('two instances never sync one company twice at once', async () => {
    const c = await h.company('twins');
    const q1 = h.newQueue({ workerId: 'a' });
    const q2 = h.newQueue({ workerId: 'b' });
    let running = 0;
    let overlap = 0;
    for (const q of [q1, q2]) {
      const deps = { ...h.deps, queue: q };
      // Count concurrent runs around the real handler.
      q.work<{ companyId: string; trigger: 'manual' }>(SYNC_JOB, async (job) => {
        running++;
        if (running > 1) overlap++;
        try {
          await runSync(deps, job.payload);
        } finally {
          running--;
        }
      });
    }
    const asks = await Promise.all([
      requestSync({ ...h.deps, queue: q1 }, { companyId: c.id, trigger: 'manual' }),
      requestSync({ ...h.deps, queue: q2 }, { companyId: c.id, trigger: 'manual' }),
      requestSync({ ...h.deps, queue: q1 }, { companyId: c.id, trigger: 'manual' }),
    ]);
    expect(asks.filter((a) => a.created)).toHaveLength(1);
    expect(new Set(asks.map((a) => a.jobId)).size).toBe(1);
    q1.start();
    q2.start();
    for (let i = 0; i < 300; i++) {
      const done = await h.prisma.patchComplianceSync.count({
        where: { companyId: c.id, status: 'SUCCEEDED' },
      });
      if (done) break;
      await sleep(20);
    }
    await Promise.all([q1.stop(), q2.stop()]);
    expect(overlap).toBe(0);
    expect(await h.prisma.patchComplianceSync.count({ where: { companyId: c.id } })).toBe(1);
    // Once finished, a new request queues a new run.
    expect(
      (await requestSync({ ...h.deps, queue: q1 }, { companyId: c.id, trigger: 'manual' })).created,
    ).toBe(true);
  });

  it('the schedule queues companies whose last sync is older than their interval', async () => {
    const c = await h.company('scheduled');
    await runSync(h.deps, { companyId: c.id, trigger: 'manual' });
    await updateSettings(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      actorId: null,
      change: { syncIntervalHours: 1 },
    });
    expect((await scheduleDue(h.deps)).syncs).not.toContain(c.id);
    h.at(61 * 60_000);
    try {
      expect((await scheduleDue(h.deps)).syncs).toContain(c.id);
      // Queued once: a second tick finds the queued job (same singleton key).
      const jobs = await h.pool.query(
        `SELECT count(*)::int AS n FROM "Job" WHERE name = $1 AND "singletonKey" = $2 AND state = 'QUEUED'`,
        [SYNC_JOB, c.id],
      );
      await scheduleDue(h.deps);
      const again = await h.pool.query(
        `SELECT count(*)::int AS n FROM "Job" WHERE name = $1 AND "singletonKey" = $2 AND state = 'QUEUED'`,
        [SYNC_JOB, c.id],
      );
      expect([jobs.rows[0].n, again.rows[0].n]).toEqual([1, 1]);
    } finally {
      h.at(0);
    }
  });

  it('refuses invalid settings with the field and reason, changing nothing', async () => {
    const c = await h.company('settings');
    const err = await updateSettings(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      actorId: null,
      change: { syncIntervalHours: 0, exportEnabled: true },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'BAD_REQUEST',
      problems: expect.arrayContaining([
        expect.objectContaining({ field: 'syncIntervalHours' }),
        { field: 'exportBucket', reason: 'required when the export is on' },
      ]),
    });
    expect(await h.prisma.patchComplianceSettings.count({ where: { companyId: c.id } })).toBe(0);
  });

  it('registers a worker that runs queued syncs', async () => {
    const c = await h.company('queued');
    registerSyncWorker(h.deps);
    await requestSync(h.deps, { companyId: c.id, trigger: 'manual' });
    await h.queue.drain([SYNC_JOB]);
    expect(
      await h.prisma.patchComplianceSync.count({ where: { companyId: c.id, status: 'SUCCEEDED' } }),
    ).toBe(1);
  });
});
