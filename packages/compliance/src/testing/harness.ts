// A company on the fake AWS with the demo patch fleet (its role from the platform's template), a
// test database (`@aw/aws/testing`), a job queue and the compliance services, on one adjustable clock.
import { HYBRID_ROLE_NAME } from '@aw/aws';
import { createAwsWorld, REGION } from '@aw/aws/testing';
import { seedPatchFleet, type FleetNode } from '@aw/aws-fake';
import type { PgTarget } from '@aw/db/testing';
import { JobQueue } from '@aw/jobs';
import type { PublishInput } from '@aw/realtime';
import type { ComplianceDeps } from '../index.ts';

export { MSP_ACCOUNT, REGION } from '@aw/aws/testing';
const quiet = { error() {}, warn() {} };

export async function createHarness(target: PgTarget) {
  // One SDK attempt per call: throttling is left to the sync's own backoff.
  const world = await createAwsWorld(target, { maxAttempts: 1, firstAccount: 600000000000 });
  const { prisma, pool, fake, runtime, clock } = world;
  const published: PublishInput[] = [];
  const sleeps: number[] = [];
  const stored: bigint[] = [];
  const queues: JobQueue[] = [];
  const newQueue = (opts: { workerId?: string; leaseMs?: number } = {}) => {
    const q = new JobQueue({ pool, clock, pollMs: 20, logger: quiet, ...opts });
    queues.push(q);
    return q;
  };
  const queue = newQueue({ workerId: 'main' });
  const deps: ComplianceDeps = {
    prisma,
    pool,
    runtime,
    queue,
    clock,
    logger: quiet,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    publish: async (e) => {
      published.push(e);
    },
    alertsStored: (batch) => {
      for (const b of batch) stored.push(...b.alertIds);
    },
  };

  /** A simulated company whose role came from the template, with the demo patch fleet (or `fleet`). */
  async function company(slug: string, opts: { fleet?: FleetNode[]; bucket?: string } = {}) {
    const c = await world.simulatedCompany(
      slug,
      opts.bucket ? { ComplianceExportBucket: opts.bucket, ComplianceExportPrefix: 'compliance' } : {},
    );
    if (opts.bucket) fake.createBucket(c.accountId, opts.bucket, REGION);
    const nodes = seedPatchFleet(fake, {
      accountId: c.accountId,
      region: REGION,
      iamRole: HYBRID_ROLE_NAME,
      now: Date.now(),
      fleet: opts.fleet,
    });
    return { ...c, nodes };
  }

  return {
    ...world,
    deps,
    queue,
    newQueue,
    published,
    sleeps,
    stored,
    company,
    async close() {
      await Promise.all(queues.map((q) => q.stop()));
      await world.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
