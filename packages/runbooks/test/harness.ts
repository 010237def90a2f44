// A company on the fake AWS (its own template's roles, nodes synced, documents installed), the
// real correlation store, a job queue and the runbook services, all on one adjustable clock.
import { randomBytes } from 'node:crypto';
import { AwsRuntime, cloudFormationTemplate, HYBRID_ROLE_NAME, syncNodes } from '@aw/aws';
import { FakeAws } from '@aw/aws-fake';
import { correlateCompany } from '@aw/correlation';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase, type PgTarget } from '@aw/db/testing';
import { JobQueue } from '@aw/jobs';
import type { PublishInput } from '@aw/realtime';
import type pg from 'pg';
import { ensureRunbooks, installDocuments, onIncidentChanged, type RunbookDeps } from '../src/index.ts';
import { registerRunbookWorker } from '../src/worker.ts';

export const MSP_ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const quiet = { error() {}, warn() {} };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createHarness(target: PgTarget) {
  const db = await createTestDatabase(target);
  const prisma: PrismaClient = createPrismaClient(db.url, { max: 6 });
  const pool: pg.Pool = createPool(db.url, { max: 6 });
  const fake = new FakeAws({ stepMs: 30 });
  await fake.start();
  fake.createAccount(MSP_ACCOUNT);
  const keys = fake.createUser(MSP_ACCOUNT, 'alert-whisperer-platform');
  const runtime = new AwsRuntime({
    fake: { endpoint: fake.endpoint, ...keys },
    platformAccountId: MSP_ACCOUNT,
  });
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const published: PublishInput[] = [];
  const queues: JobQueue[] = [];
  const newQueue = (opts: { workerId?: string; leaseMs?: number } = {}) => {
    const q = new JobQueue({ pool, clock, pollMs: 20, logger: quiet, ...opts });
    queues.push(q);
    return q;
  };
  const queue = newQueue({ workerId: 'main' });
  const deps: RunbookDeps = {
    prisma,
    runtime,
    queue,
    clock,
    minPollMs: 20,
    logger: quiet,
    publish: async (e) => {
      published.push(e);
    },
  };
  registerRunbookWorker(deps);
  let accounts = 400000000000;

  const msp = await prisma.msp.create({
    data: { name: 'MSP', slug: `m-${randomBytes(3).toString('hex')}`, awsAccountId: MSP_ACCOUNT },
  });
  const runbooks = await ensureRunbooks(prisma, msp.id);
  const runbook = (name: string) => runbooks.find((r) => r.name === name)!;
  const user = await prisma.user.create({
    data: { email: `tech-${randomBytes(3).toString('hex')}@example.com`, name: 'Tech', passwordHash: 'x' },
  });

  /** A simulated company whose role came from the platform's template, with four nodes. */
  async function company(slug: string) {
    const externalId = `aw-${slug}-${randomBytes(6).toString('hex')}`;
    const accountId = String(accounts++);
    fake.createAccount(accountId);
    const outputs = fake.createStack(accountId, cloudFormationTemplate(), {
      parameters: { ExternalId: externalId, TrustedAccountId: MSP_ACCOUNT },
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
    const web = fake.addEc2Instance(accountId, REGION, { name: `${slug}-web-01` });
    const act = fake.seedActivation(accountId, REGION, { iamRole: HYBRID_ROLE_NAME, limit: 5 });
    const reg = (name: string, ip: string) =>
      fake.registerManagedInstance({
        ...act,
        region: REGION,
        name,
        computerName: `${name}.corp`,
        ipAddress: ip,
      });
    const db01 = reg(`${slug}-db-01`, '10.9.0.11');
    const legacy = reg(`${slug}-legacy`, '10.9.0.12');
    fake.setPingStatus(accountId, REGION, legacy, 'ConnectionLost');
    await syncNodes({ prisma, runtime, companyId: c.id, actorId: null });
    await installDocuments({ prisma, runtime, companyId: c.id, actorId: null });
    return { ...c, accountId, nodes: { web, db01, legacy } };
  }

  /** Stores alerts as ingestion does, correlates them, and runs the runbook hook on each change. */
  async function alert(
    companyId: string,
    a: { asset: string; signature: string; status?: 'FIRING' | 'RESOLVED'; labels?: Record<string, string> },
  ) {
    await pool.query(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
              "occurredAt", "receivedAt", labels, raw)
       VALUES ($1, $2, 'NATIVE', $3, $4, $5, $6, 'HIGH', $7::"AlertStatus", $8::timestamp, $8::timestamp, $9::jsonb, '{}')`,
      [
        msp.id,
        companyId,
        `${a.asset}/${a.signature}`,
        randomBytes(12).toString('hex'),
        a.asset,
        a.signature,
        a.status ?? 'FIRING',
        clock().toISOString(),
        JSON.stringify(a.labels ?? {}),
      ],
    );
    const r = await correlateCompany(pool, companyId);
    const out = [];
    for (const ev of r.events) out.push(...(await onIncidentChanged(deps, ev)));
    return { events: r.events, executions: out };
  }

  /** Runs due jobs until the execution reaches one of `statuses` (real time passes for the fake). */
  async function settle(executionId: string, statuses: string[], q = queue) {
    for (let i = 0; i < 400; i++) {
      await q.drain();
      const e = await prisma.runbookExecution.findUniqueOrThrow({ where: { id: executionId } });
      if (statuses.includes(e.status)) return e;
      await sleep(15);
    }
    const e = await prisma.runbookExecution.findUniqueOrThrow({ where: { id: executionId } });
    throw new Error(`execution stuck in ${e.status} (${e.error ?? ''})`);
  }

  const ssmCalls = (op: string) =>
    fake.requests.filter((r) => r.service === 'ssm' && r.operation === op).length;

  return {
    prisma,
    pool,
    fake,
    runtime,
    deps,
    queue,
    newQueue,
    published,
    msp,
    user,
    runbook,
    company,
    alert,
    settle,
    ssmCalls,
    clock,
    advance(ms: number) {
      offset += ms;
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
