// The app's correctness checks for bench/run.ts, all read from the app's own database after a run:
// rows stored = alerts accepted, the PENDING backlog drained within a bound (and how it moved while
// the load ran), the decided lag, and the incidents equal to a serial replay of the same stored
// alerts through the engine. Each returns the violations it found; none of them looks at speed.
import type pg from 'pg';
import { backtest, poolRunner, q } from '@aw/correlation';

export interface Drained {
  violations: string[];
  lagP50: number;
  lagP99: number;
  /** Seconds from the end of the load until the company had no PENDING alert left. */
  drainSeconds: number;
}

/** A company, or several (the multi-company soak): the checks below count their alerts together. */
type Companies = string | string[];
const ids = (c: Companies) => (Array.isArray(c) ? c : [c]);

/** Waits (at most `boundSeconds`) for every stored alert of the companies to be decided. */
export async function waitDecided(
  pool: pg.Pool,
  companyId: Companies,
  accepted: number,
  boundSeconds: number,
): Promise<Drained> {
  const violations: string[] = [];
  const t0 = Date.now();
  const deadline = t0 + boundSeconds * 1000;
  // The poll asks only whether a PENDING alert is left, through the partial PENDING index: counting
  // every stored alert of the company on each poll took PostgreSQL about 80 ms a poll (100,000 rows),
  // beside the very drain it timed. The rows stored are counted once, after it.
  for (;;) {
    const { rows } = await q<{ more: boolean }>(
      pool,
      `SELECT EXISTS (SELECT 1 FROM "Alert" WHERE "companyId" = ANY($1::uuid[]) AND decision = 'PENDING') AS more`,
      [ids(companyId)],
    );
    if (!rows[0]!.more) break;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const drainSeconds = Math.round((Date.now() - t0) / 100) / 10;
  // One read after the drain: the rows stored, what is left PENDING, and the decided lag.
  const { rows } = await q<{ n: bigint; pending: bigint; p50: number | null; p99: number | null }>(
    pool,
    `SELECT count(*) AS n, count(*) FILTER (WHERE decision = 'PENDING') AS pending,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "decidedAt" - "receivedAt") * 1000)
              FILTER (WHERE "decidedAt" IS NOT NULL) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM "decidedAt" - "receivedAt") * 1000)
              FILTER (WHERE "decidedAt" IS NOT NULL) AS p99
       FROM "Alert" WHERE "companyId" = ANY($1::uuid[])`,
    [ids(companyId)],
  );
  const n = Number(rows[0]!.n);
  const pending = Number(rows[0]!.pending);
  if (n !== accepted) violations.push(`${n} rows stored for ${accepted} alerts accepted`);
  else if (pending > 0) violations.push(`${pending} alerts still PENDING ${boundSeconds} s after the run`);
  return {
    violations,
    lagP50: Math.round(Number(rows[0]!.p50 ?? 0)),
    lagP99: Math.round(Number(rows[0]!.p99 ?? 0)),
    drainSeconds,
  };
}

/** No stored alert may come from a request with a wrong signature (their seq labels are known). */
export async function badSignaturesStored(pool: pg.Pool, companyId: Companies, badSeqs: string[]) {
  if (!badSeqs.length) return 0;
  const { rows } = await q<{ n: bigint }>(
    pool,
    `SELECT count(*) AS n FROM "Alert" WHERE "companyId" = ANY($1::uuid[]) AND labels->>'seq' = ANY($2::text[])`,
    [ids(companyId), badSeqs],
  );
  return Number(rows[0]!.n);
}

/**
 * The incidents and decisions the worker stored must be what the engine gives when it replays the
 * same stored alerts one by one in id order (the backtest's replay with the company's own config).
 */
export async function serialReplayViolations(pool: pg.Pool, companyId: string): Promise<string[]> {
  const replay = await backtest({
    sql: poolRunner(pool),
    companyId,
    from: new Date(0),
    to: new Date(Date.now() + 86_400_000),
    candidate: {},
  });
  const { rows } = await q<{ incidents: bigint }>(
    pool,
    `SELECT count(*) AS incidents FROM "Incident" WHERE "companyId" = $1::uuid`,
    [companyId],
  );
  const stored = await q<{ decision: string; n: bigint }>(
    pool,
    `SELECT decision::text, count(*) AS n FROM "Alert" WHERE "companyId" = $1::uuid GROUP BY 1`,
    [companyId],
  );
  const out: string[] = [];
  const incidents = Number(rows[0]!.incidents);
  if (incidents !== replay.current.incidents)
    out.push(`${incidents} incidents stored, a serial replay opens ${replay.current.incidents}`);
  for (const [decision, n] of Object.entries(replay.current.decisions)) {
    const got = Number(stored.rows.find((r) => r.decision === decision)?.n ?? 0);
    if (got !== n) out.push(`${got} alerts ${decision}, a serial replay gives ${n}`);
  }
  return out;
}

/** Samples the companies' PENDING backlog every `everyMs` while the load runs. */
export function backlogSampler(pool: pg.Pool, companyId: Companies, everyMs = 500) {
  const samples: { ms: number; pending: number }[] = [];
  const t0 = Date.now();
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const { rows } = await q<{ n: bigint }>(
        pool,
        `SELECT count(*) AS n FROM "Alert" WHERE "companyId" = ANY($1::uuid[]) AND decision = 'PENDING'`,
        [ids(companyId)],
      );
      samples.push({ ms: Date.now() - t0, pending: Number(rows[0]!.n) });
    } catch {
      /* the next sample */
    } finally {
      busy = false;
    }
  };
  const t = setInterval(() => void sample(), everyMs);
  return {
    stop() {
      clearInterval(t);
      return samples;
    },
  };
}
