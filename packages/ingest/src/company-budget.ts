// The per-company alert budget (issue 17), shared by every intake process through PostgreSQL: one
// token bucket per company in the UNLOGGED table "IngestCompanyBudget", refilled and taken from by an
// atomic upsert, so N web processes together accept what one would. Takes asked for in the same turn
// of the event loop go to the database as ONE statement (like the group-commit writer), walled in to
// the companies of the keys that asked (`aw_ingest_walled`). Only built when a budget is set.
import type pg from 'pg';
import { walledQuery } from './writer-sql.ts';

export interface CompanyBudget {
  /** 0 when `cost` alerts may go, else the seconds to wait (Retry-After); nothing is taken then. */
  take(key: { id: string; companyId: string }, cost: number): Promise<number>;
}

// Inputs, one entry per take in arrival order: $1 index, $2 company, $4 need (the cost capped at the
// burst); $5 = [tokens per ms, burst, now in ms]. Per company, the bucket is refilled (capped at the
// burst; a clock behind the last taker's refills nothing) and the takes are granted in order while
// their running sum fits: `lastTaken` is what was granted, the largest running sum that fit.
const REFILL = `least($5[2]::float8, b.tokens + greatest(0, $5[3]::float8 - b."atMs") * $5[1]::float8)`;
const FITS = (avail: string) => `(SELECT coalesce(max(x), 0) FROM unnest(t.cums) AS x WHERE x <= ${avail})`;
const TAKE_SQL = `WITH r AS (
    SELECT i, c, need::float8 AS need, sum(need::float8) OVER (PARTITION BY c ORDER BY i) AS cum
    FROM unnest($1::int[], $2::uuid[], $4::text[]) AS r(i, c, need)
  ), t AS (
    SELECT c, array_agg(cum ORDER BY i) AS cums FROM r GROUP BY c
  ), up AS (
    INSERT INTO "IngestCompanyBudget" AS b ("companyId", tokens, "atMs", "lastTaken")
    SELECT t.c, $5[2]::float8 - ${FITS('$5[2]::float8')}, $5[3]::float8, ${FITS('$5[2]::float8')} FROM t
    ON CONFLICT ("companyId") DO UPDATE SET
      tokens = ${REFILL} - (SELECT ${FITS(REFILL)} FROM t WHERE t.c = b."companyId"),
      "lastTaken" = (SELECT ${FITS(REFILL)} FROM t WHERE t.c = b."companyId"),
      "atMs" = greatest(b."atMs", $5[3]::float8)
    RETURNING "companyId", tokens, "lastTaken"
  )
  SELECT 'take'::text, r.i::text, (r.cum <= up."lastTaken")::text, up.tokens::text
  FROM r JOIN up ON up."companyId" = r.c`;

interface Pending {
  keyId: string;
  companyId: string;
  need: number;
  resolve(wait: number): void;
  reject(e: unknown): void;
}

/** `perMinute` alerts a minute per company in bursts up to `burst` (default a minute's worth). */
export class PgCompanyBudget implements CompanyBudget {
  private burst: number;
  private queue: Pending[] = [];
  private scheduled = false;
  constructor(
    private pool: pg.Pool,
    private perMinute: number,
    private now: () => number = Date.now,
    burst?: number,
  ) {
    this.burst = burst ?? perMinute;
  }

  take(key: { id: string; companyId: string }, cost: number): Promise<number> {
    if (cost <= 0) return Promise.resolve(0);
    // A request is never refused forever: it needs at most a full bucket.
    const need = Math.min(cost, this.burst);
    return new Promise((resolve, reject) => {
      this.queue.push({ keyId: key.id, companyId: key.companyId, need, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush(this.queue.splice(0));
        });
      }
    });
  }

  private async flush(batch: Pending[]) {
    const rate = this.perMinute / 60_000; // tokens per ms
    try {
      const res = await this.pool.query<{ a: string; c: string; d: string }>(
        walledQuery(
          batch.map((p) => p.keyId),
          TAKE_SQL,
          {
            p1: batch.map((_, i) => i),
            p2: batch.map((p) => p.companyId),
            p4: batch.map((p) => String(p.need)),
            p5: [String(rate), String(this.burst), String(this.now())],
          },
        ),
      );
      const byIndex = new Map(res.rows.map((r) => [Number(r.a), r]));
      batch.forEach((p, i) => {
        const row = byIndex.get(i);
        if (!row) return p.reject(new Error('company budget: no answer for a take'));
        if (row.c === 'true') return p.resolve(0);
        p.resolve(Math.max(1, Math.ceil((p.need - Number(row.d)) / rate / 1000)));
      });
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}
