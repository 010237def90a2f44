// Tests only (`@aw/aws/testing`): a world of simulated AWS accounts for integration tests — a test
// database, the loopback fake with the platform's account and user, an AwsRuntime on it, an MSP, and
// simulated companies whose role comes from the platform's own CloudFormation template. The clock is
// real time plus an adjustable offset (the fake signs with real time; services may run "in the past").
import { randomBytes } from 'node:crypto';
import { FakeAws, type CfnTemplate, type FakeAwsOptions } from '@aw/aws-fake';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase, type PgTarget } from '@aw/db/testing';
import { AwsRuntime } from '../runtime.ts';
import { cloudFormationTemplate } from '../template.ts';

export const MSP_ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

export interface AwsWorldOptions {
  fake?: FakeAwsOptions;
  /** SDK attempts per call (1: throttling is left to the caller's own backoff). */
  maxAttempts?: number;
  /** The first simulated company's account id; each further company takes the next. */
  firstAccount?: number;
}

export async function createAwsWorld(target: PgTarget, opts: AwsWorldOptions = {}) {
  const db = await createTestDatabase(target);
  const prisma: PrismaClient = createPrismaClient(db.url, { max: 6 });
  const pool = createPool(db.url, { max: 6 });
  const fake = new FakeAws(opts.fake);
  await fake.start();
  fake.createAccount(MSP_ACCOUNT);
  const keys = fake.createUser(MSP_ACCOUNT, 'alert-whisperer-platform');
  const runtime = new AwsRuntime({
    fake: { endpoint: fake.endpoint, ...keys },
    platformAccountId: MSP_ACCOUNT,
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  });
  let offset = 0;
  let accounts = opts.firstAccount ?? 400000000000;
  const msp = await prisma.msp.create({
    data: { name: 'MSP', slug: `m-${randomBytes(3).toString('hex')}`, awsAccountId: MSP_ACCOUNT },
  });

  /** A simulated company in an account of its own, its role from the platform's template. */
  async function simulatedCompany(slug: string, parameters: Record<string, string> = {}) {
    const externalId = `aw-${slug}-${randomBytes(6).toString('hex')}`;
    const accountId = String(accounts++);
    fake.createAccount(accountId);
    const outputs = fake.createStack(accountId, cloudFormationTemplate() as unknown as CfnTemplate, {
      parameters: { ExternalId: externalId, TrustedAccountId: MSP_ACCOUNT, ...parameters },
      region: REGION,
    });
    const company = await prisma.company.create({
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
    return { ...company, accountId };
  }

  return {
    dbUrl: db.url,
    prisma,
    pool,
    fake,
    runtime,
    msp,
    simulatedCompany,
    clock: () => new Date(Date.now() + offset),
    /** Sets the clock to real time + `ms` (negative: the past). */
    at(ms: number) {
      offset = ms;
    },
    advance(ms: number) {
      offset += ms;
    },
    ssmCalls: (op: string) => fake.requests.filter((r) => r.service === 'ssm' && r.operation === op),
    async close() {
      runtime.destroy();
      await fake.stop();
      await prisma.$disconnect();
      await pool.end();
      await db.drop();
    },
  };
}

export type AwsWorld = Awaited<ReturnType<typeof createAwsWorld>>;
