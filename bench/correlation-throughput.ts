// `npx tsx bench/correlation-throughput.ts [alerts] [--statements]`: how fast the correlation
// worker decides a backlog of PENDING alerts of one company (500 assets × 20 signatures,
// Zipf-skewed, like bench/run). `--statements` adds the statements that took the most time.
// BATCH=<n> sets the alerts per turn (default 500). The first tenth of the stream warms the tables
// up (decided, then ANALYZE) and is not timed; NO_ANALYZE=1 times all of it on a database without
// statistics (one autovacuum has not visited yet).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createTestDatabase } from '@aw/db/testing';
import { CorrelationWorker } from '../packages/correlation/src/store/worker.ts';
import { createTenant } from '../packages/correlation/src/testing/fixtures.ts';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { cpuMicros, postmasterFor } from './lib/procs.ts';
import { recordStatementTimes, statementTable } from './lib/statement-times.ts';
import { alertStream } from './lib/stream.ts';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 20_000);
const statements = args.includes('--statements');
const target = await startEmbedded17();
try {
  const db = await createTestDatabase(target);
  const pool = new pg.Pool({ connectionString: db.url, max: 6 });
  const t = await createTenant(pool);
  const companyId = await t.company('Bench');
  const stream = alertStream({ count: N, seed: 1, run: 'c' });
  const insert = async (part: typeof stream) => {
    for (let i = 0; i < part.length; i += 2000) {
      const chunk = part.slice(i, i + 2000);
      await pool.query(
        `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status, "occurredAt", labels, raw)
         SELECT $1, $2, 'NATIVE', v.asset || '/' || v.sig, md5(random()::text), v.asset, v.sig, 'MEDIUM', v.st::"AlertStatus", v.t::timestamp, '{}', '{}'
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS v(asset, sig, st, t)`,
        [
          t.mspId,
          companyId,
          chunk.map((a) => a.asset),
          chunk.map((a) => a.signature),
          chunk.map((a) => (a.status === 'resolved' ? 'RESOLVED' : 'FIRING')),
          chunk.map((a) => a.occurredAt),
        ],
      );
    }
  };
  const worker = new CorrelationWorker({
    pool,
    sweepIntervalMs: 0,
    tickIntervalMs: 0,
    batchSize: Number(process.env.BATCH ?? 500),
  });
  // Warm-up, not timed: the first tenth of the stream is decided and the tables analyzed, as
  // autovacuum does on a running database (NO_ANALYZE=1: no warm-up, no statistics at all).
  const analyze = process.env.NO_ANALYZE !== '1';
  const warm = analyze ? Math.floor(N / 10) : 0;
  if (warm) {
    await insert(stream.slice(0, warm));
    await worker.drainCompany(companyId);
    await pool.query('ANALYZE');
  }
  await insert(stream.slice(warm));
  if (statements) recordStatementTimes();
  const pgPid = postmasterFor(Number(new URL(db.url).port));
  const pgCpu0 = pgPid ? cpuMicros([pgPid]) : 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const decided = await worker.drainCompany(companyId);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const nodeUs = (cpu.user + cpu.system) / decided;
  const pgUs = pgPid ? (cpuMicros([pgPid]) - pgCpu0) / decided : NaN;
  if (statements) console.log(statementTable());
  console.log(
    `${decided} alerts decided in ${ms.toFixed(0)} ms: ${Math.round((decided / ms) * 1000)} alerts/s;` +
      ` CPU per alert ${Math.round(nodeUs)} µs in node, ${Math.round(pgUs)} µs in PostgreSQL`,
  );
  await worker.stop?.();
  await pool.end();
  await db.drop();
} finally {
  await target.stop();
}
