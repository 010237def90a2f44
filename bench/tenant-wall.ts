// npx tsx bench/tenant-wall.ts [--rounds 20] [--ops 200]
// The cost of row-level security on the app's queries (issue 17): the same portal reads through
// the app's Prisma client, walled in (`withTenant`: each statement in its own transaction that
// first sets the role and the tenant) and not (the tables' owner, as before), interleaved round by
// round in the same run on an embedded PostgreSQL 17. Prints the median time per operation of each
// and their ratio (walled / plain). Three workloads: a single-row read (findFirst by id), a page of
// incidents with their company (findMany, take 50, include), and an interactive transaction of two
// reads. A measurement, not a pass/fail test.
import { parseArgs } from 'node:util';
import { createPrismaClient, withTenant } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '20' }, ops: { type: 'string', default: '200' } },
});
const ROUNDS = Number(args.rounds);
const OPS = Number(args.ops);

const pg = await startEmbedded17();
const db = await createTestDatabase(pg);
const prisma = createPrismaClient(db.url, { max: 4 });
const msp = await prisma.msp.create({ data: { name: 'bench', slug: 'wall-bench' } });
const company = await prisma.company.create({
  data: { mspId: msp.id, name: 'c', slug: 'wall-c', awsExternalId: 'wall-c' },
});
for (let i = 0; i < 500; i++)
  await prisma.incident.create({
    data: {
      mspId: msp.id,
      companyId: company.id,
      title: `incident ${i}`,
      correlationKey: `k${i}`,
      asset: `host-${i}`,
      signature: 'disk_full',
      source: 'NATIVE',
      severity: 'HIGH',
      windowStart: new Date(),
      windowEnd: new Date(),
      firstSeenAt: new Date(),
      lastSeenAt: new Date(),
    },
  });
const anIncident = (await prisma.incident.findFirst({ select: { id: true } }))!.id;
const scope = { mspId: msp.id, companyId: null };

const workloads: Record<string, () => Promise<unknown>> = {
  'findFirst by id': () => prisma.incident.findFirst({ where: { id: anIncident, mspId: msp.id } }),
  'page of 50 with company': () =>
    prisma.incident.findMany({
      where: { companyId: company.id },
      include: { company: true },
      orderBy: { lastSeenAt: 'desc' },
      take: 50,
    }),
  'interactive tx, 2 reads': () =>
    prisma.$transaction(async (tx) => {
      await tx.company.findFirst({ where: { id: company.id } });
      return tx.incident.count({ where: { companyId: company.id } });
    }),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timeOps(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < OPS; i++) await fn();
  return (performance.now() - t0) / OPS;
}

console.log(`tenant wall: ${ROUNDS} rounds × ${OPS} operations per workload, interleaved`);
for (const [name, fn] of Object.entries(workloads)) {
  await timeOps(fn); // warm-up (connections, statement caches)
  await withTenant(scope, () => timeOps(fn));
  const plain: number[] = [];
  const walled: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await timeOps(fn));
    walled.push(await withTenant(scope, () => timeOps(fn)));
  }
  const p = median(plain);
  const w = median(walled);
  console.log(
    `${name.padEnd(26)} plain ${p.toFixed(3)} ms/op   walled ${w.toFixed(3)} ms/op   ratio ${(w / p).toFixed(2)}×`,
  );
}

await prisma.$disconnect();
await db.drop();
await pg.stop();
