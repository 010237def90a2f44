// The per-company alert budget (issue 17), shared by every intake process through PostgreSQL: one
// token bucket per company in the UNLOGGED table "IngestCompanyBudget", refilled and taken from by an
// atomic upsert, so N web processes together accept what one would. Takes asked for in the same turn
// of the event loop go to the database as ONE statement (like the group-commit writer), walled in to
// the companies of the keys that asked (`aw_ingest_walled`). Only built when a budget is set.
// It stays one round trip on purpose: every take of a company updates the same row, and in an
// explicit transaction with prepared statements (as the writer's Idempotency-Key path does) that row stays locked
// for two more round trips, so concurrent takes queue behind each other (bench/ingest-load.ts
// --company-budget: 544–764 alerts/s that way against 1,064–1,371 with this statement; one take
// statement at a time instead lowered PostgreSQL's CPU by a fifth but not the rate, and raised p99).
import type pg from 'pg';
import { walledQuery } from './writer-sql.ts';

export interface CompanyBudget {
  /**
   * 0 when `cost` alerts may go, else the seconds to wait (Retry-After), or 'replay' when the
   * request's signature was already used (a replay, refused by the writer anyway): nothing is taken
   * then, so replaying a captured request cannot spend the company's budget.
   */
  take(
    key: { id: string; companyId: string },
    cost: number,
    signature?: string | null,
  ): Promise<number | 'replay'>;
}

// Inputs, one entry per take in arrival order: $1 index, $2 company, $4 need (the cost capped at the
// burst), $5 the request's verified signature (or null); $6 = {"rate": tokens per ms, "burst", "now":
// ms}. A take whose signature is already in "ReplayNonce" is a replay: answered as such, it takes
// nothing. Per company, the bucket is refilled (capped at the burst; a clock behind the last taker's
// refills nothing) and the other takes are granted in order while their running sum fits:
// `lastTaken` is what was granted, the largest running sum that fit.
const RATE = `($6->>'rate')::float8`;
const BURST = `($6->>'burst')::float8`;
const NOW = `($6->>'now')::float8`;
const REFILL = `least(${BURST}, b.tokens + greatest(0, ${NOW} - b."atMs") * ${RATE})`;
const FITS = (avail: string) => `(SELECT coalesce(max(x), 0) FROM unnest(t.cums) AS x WHERE x <= ${avail})`;
const TAKE_SQL = `WITH q AS (
    SELECT i, c, need::float8 AS need, sig,
      sig IS NOT NULL AND EXISTS (SELECT 1 FROM "ReplayNonce" n WHERE n."companyId" = c AND n.signature = sig) AS replay
    FROM unnest($1::int[], $2::uuid[], $4::text[], $5::text[]) AS q(i, c, need, sig)
  ), r AS (
    SELECT i, c, need, sum(need) OVER (PARTITION BY c ORDER BY i) AS cum FROM q WHERE NOT replay
  ), t AS (
    SELECT c, array_agg(cum ORDER BY i) AS cums FROM r GROUP BY c
  ), up AS (
    INSERT INTO "IngestCompanyBudget" AS b ("companyId", tokens, "atMs", "lastTaken")
    SELECT t.c, ${BURST} - ${FITS(BURST)}, ${NOW}, ${FITS(BURST)} FROM t
    ON CONFLICT ("companyId") DO UPDATE SET
      tokens = ${REFILL} - (SELECT ${FITS(REFILL)} FROM t WHERE t.c = b."companyId"),
      "lastTaken" = (SELECT ${FITS(REFILL)} FROM t WHERE t.c = b."companyId"),
      "atMs" = greatest(b."atMs", ${NOW})
    RETURNING "companyId", tokens, "lastTaken"
  )
  SELECT 'take'::text, r.i::text, (r.cum <= up."lastTaken")::text, up.tokens::text
  FROM r JOIN up ON up."companyId" = r.c
  UNION ALL SELECT 'replay', i::text, NULL, NULL FROM q WHERE replay`;

interface Pending {
  keyId: string;
  companyId: string;
  need: number;
  signature: string | null;
  resolve(wait: number | 'replay'): void;
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

  take(
    key: { id: string; companyId: string },
    cost: number,
    signature: string | null = null,
  ): Promise<number | 'replay'> {
    if (cost <= 0) return Promise.resolve(0);
    // A request is never refused forever: it needs at most a full bucket.
    const need = Math.min(cost, this.burst);
    return new Promise((resolve, reject) => {
      this.queue.push({ keyId: key.id, companyId: key.companyId, need, signature, resolve, reject });
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
      const res = await this.pool.query<{ kind: string; a: string; c: string; d: string }>(
        walledQuery(
          batch.map((p) => p.keyId),
          TAKE_SQL,
          {
            p1: batch.map((_, i) => i),
            p2: batch.map((p) => p.companyId),
            p4: batch.map((p) => String(p.need)),
            p5: batch.map((p) => p.signature),
            p6: JSON.stringify({ rate, burst: this.burst, now: this.now() }),
          },
        ),
      );
      const byIndex = new Map(res.rows.map((r) => [Number(r.a), r]));
      batch.forEach((p, i) => {
        const row = byIndex.get(i);
        if (!row) return p.reject(new Error('company budget: no answer for a take'));
        if (row.kind === 'replay') return p.resolve('replay');
        if (row.c === 'true') return p.resolve(0);
        p.resolve(Math.max(1, Math.ceil((p.need - Number(row.d)) / rate / 1000)));
      });
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}
