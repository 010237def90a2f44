// `npx tsx bench/analyze-cost.ts [alerts]`: what an ANALYZE of the tables a steady stream keeps
// autovacuum busy with costs, with the wide columns' statistics off (as migrated:
// 20261203193000_wide_columns_without_statistics) against all columns' statistics (the reference,
// PostgreSQL's default), measured alternately in the same run on a throwaway embedded PostgreSQL 17.
//
// The alerts (default 100,000; 500 assets × 20 signatures, Zipf-skewed, as bench/run) are stored with
// their labels, summary and the sender's JSON, then decided by the correlation worker, so the alert
// rows carry real decision reasons and AlertState, Incident and the rest hold what a turn writes.
// Each round ANALYZEs the alert partition and "AlertState" once per setting; the figure is the
// backend's CPU time (/proc), the median over the rounds. The wide columns are the ones the
// migrations left with a statistics target of 0; the reference sets them back to the default.
import pg from 'pg';
import { createTestDatabase } from '@aw/db/testing';
import { CorrelationWorker } from '../packages/correlation/src/store/worker.ts';
import { createTenant } from '../packages/correlation/src/testing/fixtures.ts';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { cpuMicros } from './lib/procs.ts';
import { alertStream } from './lib/stream.ts';

const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const ROUNDS = 5;
/** The backend's CPU time so far, in ms (it has no children: its tree is itself). */
const cpuMs = (pid: number) => cpuMicros([pid]) / 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const target = await startEmbedded17();
try {
  const db = await createTestDatabase(target);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const t = await createTenant(pool);
  const companyId = await t.company('Analyze');
  const stream = alertStream({ count: N, seed: 1, run: 'analyze' });
  for (let i = 0; i < stream.length; i += 2000) {
    const chunk = stream.slice(i, i + 2000);
    await pool.query(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, summary, severity,
                            status, "occurredAt", labels, raw)
       SELECT $1, $2, 'NATIVE', v.asset || '/' || v.sig, md5(random()::text), v.asset, v.sig, v.summary, 'MEDIUM',
              v.st::"AlertStatus", v.t::timestamp, v.labels::jsonb, v.raw::jsonb
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
           AS v(asset, sig, summary, st, t, labels, raw)`,
      [
        t.mspId,
        companyId,
        chunk.map((a) => a.asset),
        chunk.map((a) => a.signature),
        chunk.map((a) => a.summary),
        chunk.map((a) => (a.status === 'resolved' ? 'RESOLVED' : 'FIRING')),
        chunk.map((a) => a.occurredAt),
        chunk.map((a) => JSON.stringify(a.labels)),
        // What a native sender posts for the alert (the app stores the request's alert as raw).
        chunk.map((a) => JSON.stringify(a)),
      ],
    );
  }
  const worker = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0, batchSize: 2000 });
  const decided = await worker.drainCompany(companyId);
  await worker.stop?.();
  const part = (
    await pool.query<{ rel: string }>(`SELECT DISTINCT tableoid::regclass::text AS rel FROM "Alert"`)
  ).rows.map((r) => r.rel);
  if (part.length !== 1) throw new Error(`expected the alerts in one partition, found ${part.join(', ')}`);
  const tables = [part[0]!, '"AlertState"'];
  const wide = new Map<string, string[]>();
  for (const tbl of tables) {
    const r = await pool.query<{ col: string }>(
      `SELECT quote_ident(attname) AS col FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attstattarget = 0 ORDER BY attnum`,
      [tbl],
    );
    wide.set(
      tbl,
      r.rows.map((x) => x.col),
    );
  }
  const c = await pool.connect();
  const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const setTarget = async (value: number) => {
    for (const [tbl, cols] of wide)
      if (cols.length)
        await c.query(
          `ALTER TABLE ${tbl} ${cols.map((col) => `ALTER COLUMN ${col} SET STATISTICS ${value}`).join(', ')}`,
        );
  };
  const times: Record<'migrated' | 'all', Record<string, number[]>> = { migrated: {}, all: {} };
  await c.query(`ANALYZE ${tables.join(', ')}`); // warm: the pages in PostgreSQL's buffers
  for (let round = 0; round < ROUNDS; round++)
    for (const setting of round % 2 ? (['all', 'migrated'] as const) : (['migrated', 'all'] as const)) {
      await setTarget(setting === 'all' ? -1 : 0);
      for (const tbl of tables) {
        const before = cpuMs(pid);
        await c.query(`ANALYZE ${tbl}`);
        (times[setting][tbl] ??= []).push(cpuMs(pid) - before);
      }
    }
  await setTarget(0);
  c.release();
  console.log(
    `${decided.toLocaleString('en')} alerts decided; ANALYZE, backend CPU ms, median of ${ROUNDS} (alternated):`,
  );
  for (const tbl of tables) {
    const m = median(times.migrated[tbl]!);
    const a = median(times.all[tbl]!);
    console.log(
      `  ${tbl.padEnd(16)} wide columns off ${String(m).padStart(5)}  all columns ${String(a).padStart(5)}  ratio ${(m / a).toFixed(2)}  (off: ${wide.get(tbl)!.join(', ')})`,
    );
  }
  await pool.end();
  await db.drop();
} finally {
  await target.stop();
}
