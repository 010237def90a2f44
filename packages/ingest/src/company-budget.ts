// The per-company alert budget (issue 17), shared by every intake process through PostgreSQL: one
// token bucket per company in the UNLOGGED table "IngestCompanyBudget", taken from and refilled by one
// atomic upsert per request, so N web processes together accept what one would. It runs walled in to
// the company of the key that sent the request (`aw_ingest_walled`). Only built when a budget is set.
import type pg from 'pg';
import { walledQuery } from './writer-sql.ts';

export interface CompanyBudget {
  /** 0 when `cost` alerts may go, else the seconds to wait (Retry-After); nothing is taken then. */
  take(key: { id: string; companyId: string }, cost: number): Promise<number>;
}

// $2 company · $4[1] need (the cost, capped at the burst) · $5[1..3] tokens per ms, burst, now (ms).
// The refill is capped at the burst; a clock behind the last taker's refills nothing.
const REFILL = `least($5[2]::float8, b.tokens + greatest(0, $5[3]::float8 - b."atMs") * $5[1]::float8)`;
const TAKE_SQL = `INSERT INTO "IngestCompanyBudget" AS b ("companyId", tokens, "atMs", "lastTaken")
  VALUES ($2[1], $5[2]::float8 - $4[1]::float8, $5[3]::float8, $4[1]::float8)
  ON CONFLICT ("companyId") DO UPDATE SET
    tokens = CASE WHEN ${REFILL} >= $4[1]::float8 THEN ${REFILL} - $4[1]::float8 ELSE ${REFILL} END,
    "lastTaken" = CASE WHEN ${REFILL} >= $4[1]::float8 THEN $4[1]::float8 ELSE 0 END,
    "atMs" = greatest(b."atMs", $5[3]::float8)
  RETURNING 'budget'::text, tokens::text, "lastTaken"::text, NULL::text`;

/** `perMinute` alerts a minute per company in bursts up to `burst` (default a minute's worth). */
export class PgCompanyBudget implements CompanyBudget {
  private burst: number;
  constructor(
    private pool: pg.Pool,
    private perMinute: number,
    private now: () => number = Date.now,
    burst?: number,
  ) {
    this.burst = burst ?? perMinute;
  }

  async take(key: { id: string; companyId: string }, cost: number): Promise<number> {
    if (cost <= 0) return 0;
    const rate = this.perMinute / 60_000; // tokens per ms
    const need = Math.min(cost, this.burst); // a request is never refused forever
    const res = await this.pool.query<{ a: string; c: string }>(
      walledQuery([key.id], TAKE_SQL, {
        p2: [key.companyId],
        p4: [String(need)],
        p5: [String(rate), String(this.burst), String(this.now())],
      }),
    );
    const row = res.rows[0];
    if (!row) throw new Error('company budget: no row');
    if (Number(row.c) > 0) return 0;
    return Math.max(1, Math.ceil((need - Number(row.a)) / rate / 1000));
  }
}
