// A company on the fake AWS with the demo patch fleet (its role from the platform's template), a
// test database, a job queue and the compliance services, all on one adjustable clock.
import { randomBytes } from 'node:crypto';
import { AwsRuntime, cloudFormationTemplate, HYBRID_ROLE_NAME } from '@aw/aws';
import { FakeAws, seedPatchFleet, type CfnTemplate, type FleetNode } from '@aw/aws-fake';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase, type PgTarget } from '@aw/db/testing';
import { JobQueue } from '@aw/jobs';
import type { PublishInput } from '@aw/realtime';
import type pg from 'pg';
import type { ComplianceDeps } from '../src/index.ts';

export const MSP_ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
const quiet = { error() {}, warn() {} };

export async function createHarness(target: PgTarget) {
  const db = await createTestDatabase(target);
  const prisma: PrismaClient = createPrismaClient(db.url, { max: 6 });
  const pool: pg.Pool = createPool(db.url, { max: 6 });
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  // The fake runs on real time (SigV4 dates); the services' clock may be moved back to run syncs
  // "in the past" (trends, retention, how long a critical patch has been missing).
  const fake = new FakeAws();
  await fake.start();
  fake.createAccount(MSP_ACCOUNT);
  const keys = fake.createUser(MSP_ACCOUNT, 'alert-whisperer-platform');
  // One SDK attempt per call: throttling is left to the sync's own backoff.
  const runtime = new AwsRuntime({
    fake: { endpoint: fake.endpoint, ...keys },
    platformAccountId: MSP_ACCOUNT,
    maxAttempts: 1,
  });
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
  let accounts = 600000000000;
  const msp = await prisma.msp.create({
    data: { name: 'MSP', slug: `m-${randomBytes(3).toString('hex')}`, awsAccountId: MSP_ACCOUNT },
  });

  /** A simulated company whose role came from the template, with the demo patch fleet (or `fleet`). */
  async function company(slug: string, opts: { fleet?: FleetNode[]; bucket?: string } = {}) {
    const externalId = `aw-${slug}-${randomBytes(6).toString('hex')}`;
    const accountId = String(accounts++);
    fake.createAccount(accountId);
    if (opts.bucket) fake.createBucket(accountId, opts.bucket, REGION);
    const outputs = fake.createStack(accountId, cloudFormationTemplate() as unknown as CfnTemplate, {
      parameters: {
        ExternalId: externalId,
        TrustedAccountId: MSP_ACCOUNT,
        ...(opts.bucket ? { ComplianceExportBucket: opts.bucket, ComplianceExportPrefix: 'compliance' } : {}),
      },
      region: REGION,
    });
    const c = await prisma.company.create({
      data: {
        mspId: msp.id,
        name: slug,
        slug,
        simulated: true,
        awsExternalId: externalId,
        awsRoleArn: outputs.RoleArn!,
        awsRegion: REGION,
      },
    });
    const nodes = seedPatchFleet(fake, {
      accountId,
      region: REGION,
      iamRole: HYBRID_ROLE_NAME,
      now: Date.now(),
      fleet: opts.fleet,
    });
    return { ...c, accountId, nodes };
  }

  const ssmCalls = (op: string) => fake.requests.filter((r) => r.service === 'ssm' && r.operation === op);

  return {
    dbUrl: db.url,
    prisma,
    pool,
    fake,
    runtime,
    deps,
    queue,
    newQueue,
    published,
    sleeps,
    stored,
    msp,
    company,
    ssmCalls,
    clock,
    /** Sets the services' clock to real time + `ms` (negative: the past). */
    at(ms: number) {
      offset = ms;
    },
    async close() {
      await Promise.all(queues.map((q) => q.stop()));
      runtime.destroy();
      await fake.stop();
      await prisma.$disconnect();
      await pool.end();
      await db.drop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
