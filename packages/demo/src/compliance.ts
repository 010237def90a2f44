// The launcher's demo wiring for patch compliance: gives every simulated company's fake account the
// demo patch fleet (and patch results for the nodes the AWS demo created), then backfills 14 days
// of syncs in which the fleet gets better day by day, and a sync now, so `npm start` shows figures,
// a trend and the worst nodes at once. Called by the launcher (scripts/launcher/main.ts) through @aw/demo.
import { AwsRuntime, HYBRID_ROLE_NAME } from '@aw/aws';
import { DEMO_PATCH_FLEET, patchNode, seedPatchFleet, type FakeAws, type FleetNode } from '@aw/aws-fake';
import { createPool, type PrismaClient } from '@aw/db';
import { JobQueue } from '@aw/jobs';
import { runSync, type ComplianceDeps } from '@aw/compliance';

const DAY = 86_400_000;
const BACKFILL_DAYS = 14;

function installedAll(n: FleetNode): FleetNode {
  return {
    ...n,
    patches: n.patches.map((p) => (p.State === 'NOT_APPLICABLE' ? p : { ...p, State: 'INSTALLED' })),
  };
}

const OPEN = new Set(['MISSING', 'FAILED', 'INSTALLED_PENDING_REBOOT', 'INSTALLED_REJECTED']);
const isCompliant = (n: FleetNode) =>
  n.profile !== 'never-scanned' && !n.patches.some((p) => OPEN.has(p.State));

/** A node that was behind in the past: one Important security patch missing. */
function behind(n: FleetNode): FleetNode {
  return {
    ...n,
    patches: [
      ...n.patches,
      {
        Title: 'openssl',
        KBId: 'openssl-3.0.8-2',
        Classification: 'Security',
        Severity: 'Important',
        State: 'MISSING',
      },
    ],
  };
}

export async function seedComplianceDemo(
  prisma: PrismaClient,
  databaseUrl: string,
  demo: { fake: FakeAws; endpoint: string; accessKeyId: string; secretAccessKey: string },
  log: (line: string) => void = console.log,
): Promise<void> {
  const companies = await prisma.company.findMany({
    where: { simulated: true, awsRoleArn: { not: null } },
    orderBy: { name: 'asc' },
  });
  if (!companies.length) return;
  const pool = createPool(databaseUrl, { max: 2 });
  const runtime = new AwsRuntime({ fake: demo });
  let offset = 0;
  const deps: ComplianceDeps = {
    prisma,
    pool,
    runtime,
    queue: new JobQueue({ pool }),
    clock: () => new Date(Date.now() + offset),
  };
  try {
    for (const [i, c] of companies.entries()) {
      if (await prisma.patchComplianceSync.count({ where: { companyId: c.id } })) continue;
      const arn = /^arn:aws:iam::(\d{12}):role\//.exec(c.awsRoleArn!);
      if (!arn) continue;
      const accountId = arn[1]!;
      const region = demo.fake.region(accountId, c.awsRegion);
      // The second company is the better patched one, so the MSP ranking has something to rank.
      const fleet = DEMO_PATCH_FLEET.map((n) =>
        i % 2 === 1 && (n.profile === 'missing-critical' || n.profile === 'failed') ? installedAll(n) : n,
      );
      const ids =
        region.patchNodes && Object.keys(region.patchNodes).length
          ? {}
          : seedPatchFleet(demo.fake, {
              accountId,
              region: c.awsRegion,
              iamRole: HYBRID_ROLE_NAME,
              now: Date.now(),
              fleet,
              prefix: `${c.slug}-`,
            });
      // The AWS demo's own nodes: scanned and compliant, except the offline one (stale).
      for (const inst of Object.values(region.instances)) {
        if (region.patchNodes?.[inst.InstanceId] || Object.values(ids).includes(inst.InstanceId)) continue;
        const template = DEMO_PATCH_FLEET.find(
          (n) => n.platform === inst.PlatformType && n.profile === 'compliant',
        )!;
        const stale = inst.PingStatus !== 'Online';
        demo.fake.setPatchState(
          accountId,
          c.awsRegion,
          inst.InstanceId,
          patchNode({ ...template, scanAgeDays: stale ? 30 : 1 }, Date.now()),
        );
      }
      // Backfill: k days ago, the nodes that are compliant today were behind if k > 3 × their rank.
      const current = fleet.filter((n) => ids[n.name] && n.profile !== 'never-scanned');
      const compliantToday = current.filter(isCompliant);
      for (let k = BACKFILL_DAYS; k >= 1; k--) {
        current.forEach((n, j) => {
          const wasBehind = compliantToday.includes(n) && k > 3 * (j + 1);
          demo.fake.setPatchState(
            accountId,
            c.awsRegion,
            ids[n.name]!,
            patchNode(wasBehind ? behind(n) : n, Date.now() - k * DAY),
          );
        });
        offset = -k * DAY;
        await runSync(deps, { companyId: c.id, trigger: 'demo' });
      }
      offset = 0;
      for (const n of current)
        demo.fake.setPatchState(accountId, c.awsRegion, ids[n.name]!, patchNode(n, Date.now()));
      const syncId = await runSync(deps, { companyId: c.id, trigger: 'demo' });
      const s = await prisma.patchComplianceSync.findUniqueOrThrow({ where: { id: syncId } });
      log(
        `▸ Patch compliance for ${c.name}: ${s.status === 'SUCCEEDED' ? `${s.nodesTotal} nodes, ${BACKFILL_DAYS} days of trend` : `failed (${s.error})`}`,
      );
    }
  } finally {
    runtime.destroy();
    await pool.end();
  }
}
