// npx tsx bench/ingest-wall.ts [--rounds 15] [--ops 40]
// The cost of row-level security on the intake's group-commit writer, and of the shared per-company
// budget (issue 17). The writer's one statement (`GROUP_COMMIT_SQL`) is run with the same kind of
// batch two ways, interleaved round by round in one run on an embedded PostgreSQL 17:
//   plain  — as the tables' owner (what the writer sent before the wall);
//   walled — through `aw_ingest_walled` (what it sends now: the same statement, as `aw_tenant`
//            with `aw.ingest_scope` built from the batch's API keys, in the same round trip).
// Two batch shapes: 20 requests × 25 alerts of 10 companies of 2 MSPs (a busy group commit), and
// 1 request × 1 alert (the smallest, where a fixed cost shows most). The budget's cost
// (`PgCompanyBudget.take`, one walled upsert per turn of the event loop) is printed per request, for
// a lone request and for 20 arriving at once (one statement), next to the commits they precede.
// Prints the median per operation and the ratios. A measurement, not a pass/fail test.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createPool, createPrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { PgCompanyBudget } from '../packages/ingest/src/company-budget.ts';
import { createCompany, type TestCompany } from '../packages/ingest/src/testing/tenants.ts';
import { GROUP_COMMIT_SQL, walledQuery } from '../packages/ingest/src/writer-sql.ts';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '15' }, ops: { type: 'string', default: '40' } },
});
const ROUNDS = Number(args.rounds);
const OPS = Number(args.ops);

const server = await startEmbedded17();
const db = await createTestDatabase(server);
const prisma = createPrismaClient(db.url, { max: 2 });
const pool = createPool(db.url, { max: 4 });
const companies: TestCompany[] = [];
for (const m of [0, 1]) {
  const msp = await prisma.msp.create({ data: { name: `bench ${m}`, slug: `wall-${m}-${randomUUID()}` } });
  for (let c = 0; c < 5; c++) companies.push(await createCompany(prisma, msp.id, `wall-${m}-${c}`));
}

let serial = 0;
/** Parameters of one group commit: `requests` requests of `perRequest` alerts, companies in turn. */
function batch(requests: number, perRequest: number) {
  const reqs = Array.from({ length: requests }, (_, i) => companies[i % companies.length]!);
  const alerts = reqs.flatMap((c, ri) =>
    Array.from({ length: perRequest }, () => {
      const n = serial++;
      return {
        ri,
        m: c.mspId,
        c: c.id,
        s: 'NATIVE',
        f: `f${n}`,
        d: `d${n}-${randomUUID()}`,
        a: `host-${n % 50}`,
        sg: 'disk_full',
        sv: null,
        sm: 'disk full',
        sev: 'HIGH',
        st: 'FIRING',
        o: new Date().toISOString(),
        l: { env: 'bench' },
        an: {},
        r: { n },
        k: c.keyId,
        kd: null,
      };
    }),
  );
  return {
    keys: reqs.map((c) => c.keyId),
    p: {
      p1: reqs.map((_, i) => i),
      p2: reqs.map((c) => c.keyId),
      p3: reqs.map((c) => c.id),
      p4: reqs.map(() => null),
      p5: reqs.map(() => null),
      p6: JSON.stringify(alerts),
    },
  };
}

const plain = async (requests: number, perRequest: number) => {
  const b = batch(requests, perRequest);
  const r = await pool.query(GROUP_COMMIT_SQL, [b.p.p1, b.p.p2, b.p.p3, b.p.p4, b.p.p5, b.p.p6]);
  if (r.rowCount !== requests * (perRequest + 1)) throw new Error(`plain: ${r.rowCount} rows`);
};
const walled = async (requests: number, perRequest: number) => {
  const b = batch(requests, perRequest);
  const r = await pool.query(walledQuery(b.keys, GROUP_COMMIT_SQL, b.p));
  if (r.rowCount !== requests * (perRequest + 1)) throw new Error(`walled: ${r.rowCount} rows`);
};
// A budget no request reaches (the cost of the take itself, not of refusals).
const budget = new PgCompanyBudget(pool, 1e12);
const take = async () => {
  const c = companies[serial++ % companies.length]!;
  if ((await budget.take({ id: c.keyId, companyId: c.id }, 1)) !== 0) throw new Error('refused');
};
const take20 = () => Promise.all(Array.from({ length: 20 }, take));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timeOps(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < OPS; i++) await fn();
  return (performance.now() - t0) / OPS;
}

console.log(`ingest wall: ${ROUNDS} rounds × ${OPS} operations per workload, interleaved`);
const shapes: [string, number, number][] = [
  ['20 requests × 25 alerts', 20, 25],
  ['1 request × 1 alert', 1, 1],
];
const results: Record<string, { plain: number[]; walled: number[] }> = {};
for (const [name] of shapes) results[name] = { plain: [], walled: [] };
const takes: number[] = [];
const takes20: number[] = [];
for (const [, r, a] of shapes) {
  await timeOps(() => plain(r, a)); // warm-up
  await timeOps(() => walled(r, a));
}
await timeOps(take);
await timeOps(take20);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, r, a] of shapes) {
    results[name]!.plain.push(await timeOps(() => plain(r, a)));
    results[name]!.walled.push(await timeOps(() => walled(r, a)));
  }
  takes.push(await timeOps(take));
  takes20.push((await timeOps(take20)) / 20);
}
for (const [name] of shapes) {
  const p = median(results[name]!.plain);
  const w = median(results[name]!.walled);
  console.log(
    `${name.padEnd(24)} plain ${p.toFixed(3)} ms/op   walled ${w.toFixed(3)} ms/op   ratio ${(w / p).toFixed(2)}×`,
  );
}
const small = median(results['1 request × 1 alert']!.walled);
const big = median(results['20 requests × 25 alerts']!.walled) / 20;
const t = median(takes);
const t20 = median(takes20);
console.log(
  `${'budget take, alone'.padEnd(24)} ${t.toFixed(3)} ms/request   = ${(t / small).toFixed(2)}× a walled 1-alert commit`,
);
console.log(
  `${'budget take, 20 at once'.padEnd(24)} ${t20.toFixed(3)} ms/request   = ${(t20 / big).toFixed(2)}× a request's share of the 20 × 25 commit`,
);

await pool.end();
await prisma.$disconnect();
await db.drop();
await server.stop();
