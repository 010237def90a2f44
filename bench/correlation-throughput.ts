// `npx tsx bench/correlation-throughput.ts [alerts] [--statements]`: how fast the correlation
// worker decides a backlog of PENDING alerts of one company (500 assets × 20 signatures,
// Zipf-skewed, like bench/run). `--statements` adds the statements that took the most time.
// BATCH=<n> sets the alerts per turn (default 500); NO_ANALYZE=1 leaves the tables without
// statistics (a database autovacuum has not visited yet).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createTestDatabase } from '@aw/db/testing';
import { CorrelationWorker } from '../packages/correlation/src/store/worker.ts';
import { createTenant } from '../packages/correlation/src/testing/fixtures.ts';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { recordStatementTimes, statementTable } from './lib/statement-times.ts';
import { alertStream } from './lib/stream.ts';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 20_000);
const statements = args.includes('--statements');
if (statements) recordStatementTimes();
const target = await startEmbedded17();
try {
  const db = await createTestDatabase(target);
  const pool = new pg.Pool({ connectionString: db.url, max: 6 });
  const t = await createTenant(pool);
  const companyId = await t.company('Bench');
  const stream = alertStream({ count: N, seed: 1, run: 'c' });
  for (let i = 0; i < stream.length; i += 2000) {
    const part = stream.slice(i, i + 2000);
    await pool.query(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status, "occurredAt", labels, raw)
       SELECT $1, $2, 'NATIVE', v.asset || '/' || v.sig, md5(random()::text), v.asset, v.sig, 'MEDIUM', v.st::"AlertStatus", v.t::timestamp, '{}', '{}'
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS v(asset, sig, st, t)`,
      [
        t.mspId,
        companyId,
        part.map((a) => a.asset),
        part.map((a) => a.signature),
        part.map((a) => (a.status === 'resolved' ? 'RESOLVED' : 'FIRING')),
        part.map((a) => a.occurredAt),
      ],
    );
  }
  // A running database has statistics (autovacuum); without them the planner guesses.
  if (process.env.NO_ANALYZE !== '1') await pool.query('ANALYZE');
  const worker = new CorrelationWorker({
    pool,
    sweepIntervalMs: 0,
    tickIntervalMs: 0,
    batchSize: Number(process.env.BATCH ?? 500),
  });
  const t0 = performance.now();
  const decided = await worker.drainCompany(companyId);
  const ms = performance.now() - t0;
  if (statements) console.log(statementTable());
  console.log(
    `${decided} alerts decided in ${ms.toFixed(0)} ms: ${Math.round((decided / ms) * 1000)} alerts/s`,
  );
  await worker.stop?.();
  await pool.end();
  await db.drop();
} finally {
  await target.stop();
}
