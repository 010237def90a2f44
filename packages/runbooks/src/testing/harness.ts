// A company on the fake AWS (its own template's roles, nodes synced, documents installed), the
// real correlation store, a job queue and the runbook services, all on one adjustable clock
// (`@aw/aws/testing` holds the database, the fake, the MSP and the simulated company).
import { randomBytes } from 'node:crypto';
import { HYBRID_ROLE_NAME, syncNodes } from '@aw/aws';
import { createAwsWorld, REGION } from '@aw/aws/testing';
import { correlateCompany } from '@aw/correlation';
import type { PgTarget } from '@aw/db/testing';
import { JobQueue } from '@aw/jobs';
import type { PublishInput } from '@aw/realtime';
import { ensureRunbooks, installDocuments, onIncidentsChanged, type RunbookDeps } from '../index.ts';
import { registerRunbookWorker } from '../worker.ts';

export { MSP_ACCOUNT } from '@aw/aws/testing';
const quiet = { error() {}, warn() {} };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createHarness(target: PgTarget) {
  const world = await createAwsWorld(target, { fake: { stepMs: 30 } });
  const { prisma, pool, fake, runtime, clock, msp } = world;
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
    pool,
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

  const runbooks = await ensureRunbooks(prisma, msp.id);
  const runbook = (name: string) => runbooks.find((r) => r.name === name)!;
  const user = await prisma.user.create({
    data: { email: `tech-${randomBytes(3).toString('hex')}@example.com`, name: 'Tech', passwordHash: 'x' },
  });

  /** A simulated company whose role came from the platform's template, with four nodes. */
  async function company(slug: string) {
    const c = await world.simulatedCompany(slug);
    const { accountId } = c;
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
    return { ...c, nodes: { web, db01, legacy } };
  }

  /** Stores alerts as ingestion does, correlates them, and runs the runbook hook on the changes. */
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
    // The turn's events at once, as the correlation worker hands them to the listeners.
    return { events: r.events, executions: await onIncidentsChanged(deps, r.events) };
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

  return {
    ...world,
    ssmCalls: (op: string) => world.ssmCalls(op).length,
    deps,
    queue,
    newQueue,
    published,
    user,
    runbook,
    company,
    alert,
    settle,
    async close() {
      await Promise.all(queues.map((q) => q.stop()));
      await world.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
