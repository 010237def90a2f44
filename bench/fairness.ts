// npx tsx bench/fairness.ts [--seconds 15] [--rate 20] [--budget <alerts/min per company>] [--burst <alerts>]
// Per-tenant fairness, measured (issue 17): company B sends `rate` alerts/s; first alone (the
// reference), then while company A storms at 10× that rate. Both go to one app process (the real
// ingestion handler with a CorrelationWorker, packages/correlation/src/testing/intake-process.ts)
// on an embedded PostgreSQL 17. Run twice in the same run: without a per-company alert budget, then
// with INGEST_COMPANY_ALERTS_PER_MINUTE = `budget` (default: 2× B's rate, so B is never limited
// and A's excess is refused with 429) and INGEST_COMPANY_ALERTS_BURST = `burst` (default: 2 s of
// the budget, so the budget shows within a short run). Prints B's decided-lag (decidedAt − receivedAt) p50/p99 in
// each phase, its ratio to B alone, and how many of A's alerts were accepted and refused. A
// measurement, not a pass/fail test.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { createApiKey } from '@aw/ingest';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    rate: { type: 'string', default: '20' },
    budget: { type: 'string' },
    burst: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const BUDGET = Number(args.budget ?? RATE * 2 * 60);
const BURST = Number(args.burst ?? Math.max(1, Math.round(BUDGET / 30)));
const root = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pg = await startEmbedded17();
const db = await createTestDatabase(pg);
const prisma = createPrismaClient(db.url, { max: 2 });
const keys: Record<'a' | 'b', { id: string; key: string }> = {} as never;
for (const m of ['a', 'b'] as const) {
  const msp = await prisma.msp.create({ data: { name: m, slug: `fair-${m}` } });
  const c = await prisma.company.create({
    data: { mspId: msp.id, name: m, slug: `fair-${m}`, awsExternalId: `fair-${m}` },
  });
  const k = await createApiKey({
    prisma,
    companyId: c.id,
    actorId: null,
    input: { name: 'sender', allowUnsigned: true },
  });
  keys[m] = { id: c.id, key: k.key };
}

const pkg = path.join(root, 'packages/correlation');
/** An app process with the given per-company alert budget (0: none); resolves with its URL. */
function startApp(budget: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/testing/intake-process.ts', db.url], {
    cwd: pkg,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      INGEST_COMPANY_ALERTS_PER_MINUTE: String(budget),
      INGEST_COMPANY_ALERTS_BURST: String(BURST),
    },
  });
  return new Promise<{ child: typeof child; url: string }>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
  });
}
let url = '';

/** Sends `perSecond` alerts/s for `seconds` from company `who`, each a distinct alert. */
async function send(who: 'a' | 'b', perSecond: number, seconds: number, tag: string) {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const refused = { n: 0 };
  const inflight: Promise<unknown>[] = [];
  while (Date.now() < end) {
    const t0 = Date.now();
    for (let i = 0; i < perSecond / 10; i++) {
      const seq = n++;
      inflight.push(
        fetch(`${url}/api/v1/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[who].key}` },
          body: JSON.stringify({
            asset: `${who}-host-${seq % 50}`,
            signature: seq % 2 ? 'disk_full' : 'cpu_high',
            summary: `${tag} ${seq}`,
            labels: { phase: tag, seq: String(seq) },
          }),
        }).then((r) => {
          if (r.status === 429) refused.n++;
          return r.arrayBuffer();
        }),
      );
    }
    await sleep(Math.max(0, 100 - (Date.now() - t0)));
  }
  await Promise.all(inflight);
  return { sent: n, refused: refused.n };
}

async function lag(companyId: string, phase: string) {
  for (let i = 0; i < 600; i++) {
    const [p] = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "Alert" WHERE "companyId" = ${companyId}::uuid AND labels->>'phase' = ${phase}
        AND "decidedAt" IS NULL`;
    if (p!.n === 0n) break;
    await sleep(200);
  }
  const [r] = await prisma.$queryRaw<{ n: bigint; p50: number; p99: number }[]>`
    SELECT count(*) AS n,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "decidedAt" - "receivedAt") * 1000) AS p50,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM "decidedAt" - "receivedAt") * 1000) AS p99
    FROM "Alert" WHERE "companyId" = ${companyId}::uuid AND labels->>'phase' = ${phase}`;
  return { n: Number(r!.n), p50: Math.round(r!.p50), p99: Math.round(r!.p99) };
}

async function run(label: string, budget: number) {
  const app = await startApp(budget);
  url = app.url;
  const alone = await send('b', RATE, SECONDS, `${label}-alone`);
  const ref = await lag(keys.b.id, `${label}-alone`);
  const [stormA, storm] = await Promise.all([
    send('a', RATE * 10, SECONDS, `${label}-storm`),
    send('b', RATE, SECONDS, `${label}-storm`),
  ]);
  const during = await lag(keys.b.id, `${label}-storm`);
  const a = await lag(keys.a.id, `${label}-storm`);
  console.log(
    `fairness, ${label}:\n` +
      `  B ${RATE}/s for ${SECONDS} s alone (${alone.sent} alerts): decided-lag p50 ${ref.p50} ms, p99 ${ref.p99} ms\n` +
      `  B ${RATE}/s (${storm.sent} sent, ${storm.refused} refused) while A sends ${RATE * 10}/s ` +
      `(${stormA.sent} sent, ${stormA.refused} refused with 429, ${a.n} stored): ` +
      `B p50 ${during.p50} ms, p99 ${during.p99} ms (${(during.p99 / Math.max(1, ref.p99)).toFixed(1)}× alone); ` +
      `A p50 ${a.p50} ms, p99 ${a.p99} ms`,
  );
  app.child.kill('SIGTERM');
  await new Promise((r) => app.child.once('exit', r));
}

await run('no budget', 0);
await run(`budget ${BUDGET}/min per company, burst ${BURST}`, BUDGET);
await prisma.$disconnect();
await db.drop();
await pg.stop();
process.exit(0);
