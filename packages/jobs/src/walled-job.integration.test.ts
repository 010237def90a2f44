// Job handlers walled in to their MSP by row-level security (issue 17): a handler wrapped in
// `walledJob` that forgets its tenant filter (an unscoped read, an update by another MSP's id)
// sees and changes only its own MSP's rows; the same handler unwrapped sees both MSPs, which is
// what the wall is for.
import { createPool, createPrismaClient, mspOfRow, walledJob, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JobQueue, type Job } from './index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(inject('pgTargets'))('walled job handlers on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let prisma: PrismaClient;
  let queue: JobQueue;
  const tenants: Record<'a' | 'b', { mspId: string; companyId: string }> = {} as never;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    prisma = createPrismaClient(db.url);
    for (const k of ['a', 'b'] as const) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${k}`, slug: `walled-${k}` } });
      const company = await prisma.company.create({
        data: { mspId: msp.id, name: `Company ${k}`, slug: `company-${k}`, awsExternalId: `ext-walled-${k}` },
      });
      tenants[k] = { mspId: msp.id, companyId: company.id };
    }
    queue = new JobQueue({ pool, pollMs: 20, logger: { error() {}, warn() {} } });
  });
  afterAll(async () => {
    await queue.stop();
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
  });

  /** A careless handler: reads every company and renames the other MSP's company, no tenant filter. */
  const careless = async (job: Job<{ companyId: string; otherCompanyId: string }>) => {
    const seen = (await prisma.company.findMany({ select: { id: true } })).map((c) => c.id).sort();
    const renamed = await prisma.company.updateMany({
      where: { id: job.payload.otherCompanyId },
      data: { name: 'renamed by a job of another MSP' },
    });
    return { seen, renamed: renamed.count };
  };

  async function runJob(
    name: string,
    handler: (job: Job<{ companyId: string; otherCompanyId: string }>) => Promise<unknown>,
  ) {
    const results: unknown[] = [];
    queue.work<{ companyId: string; otherCompanyId: string }>(name, async (job) => {
      results.push(await handler(job));
    });
    queue.start();
    const { id } = await queue.enqueue(name, {
      companyId: tenants.a.companyId,
      otherCompanyId: tenants.b.companyId,
    });
    const end = Date.now() + 15_000;
    while ((await queue.get(id))?.state !== 'COMPLETED') {
      if (Date.now() > end) throw new Error(`job ${name} did not complete`);
      await sleep(20);
    }
    return results[0] as { seen: string[]; renamed: number };
  }

  it('a walled handler sees and changes only the MSP of its job; unwalled it reaches the other MSP', async () => {
    const walled = await runJob(
      'careless-walled',
      walledJob(
        (job: Job<{ companyId: string }>) => mspOfRow(prisma.company, job.payload.companyId),
        careless,
      ),
    );
    expect(walled.seen).toEqual([tenants.a.companyId]);
    expect(walled.renamed).toBe(0);
    expect((await prisma.company.findUniqueOrThrow({ where: { id: tenants.b.companyId } })).name).toBe(
      'Company b',
    );

    // The same handler without the wall: what the wall stops.
    const unwalled = await runJob('careless-unwalled', careless);
    expect(unwalled.seen).toEqual([tenants.a.companyId, tenants.b.companyId].sort());
    expect(unwalled.renamed).toBe(1);
  });

  it('a job whose row is gone runs unwalled and finds nothing to act on', async () => {
    const mspId = await mspOfRow(prisma.company, '00000000-0000-4000-8000-000000000000');
    expect(mspId).toBeNull();
    let ran = false;
    const handler = walledJob(
      async () => null,
      async () => {
        ran = true;
      },
    );
    await handler({} as never);
    expect(ran).toBe(true);
  });
});
