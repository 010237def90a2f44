// Whole-month drops of "Alert" (partitions.ts): a month is dropped once every MSP's decided-alert
// window has passed it, i.e. its upper bound is at or before the cutoff of the longest window
// (`horizon`), and after its alerts are counted into "AlertDailyRollup" in the same transaction, so
// the KPIs over that month keep their figures. A month that still holds an undecided alert, or an
// alert received inside its MSP's window (a late arrival dated long ago), is not dropped: retention's
// batched deletes clear the rest of it (retention.ts), and it is tried again on the next run.
// The drop takes the parent table's lock for an instant (DROP of a partition): with a lock timeout,
// so that intake never queues behind it for long. It tries again on the next run.
import type pg from 'pg';
import { alertPartitions, PARTITION_LOCK, type TAlertPartition } from './partitions.ts';

export interface DropPolicy {
  mspId: string;
  /** Start of the first UTC day this MSP keeps decided alerts of. */
  cutoff: Date;
}

export interface DropOutcome {
  dropped: string[];
  /** Months past the horizon that a pending or in-window alert keeps. */
  blocked: string[];
  /** Alerts counted into the rollup and dropped, per MSP. */
  alertsByMsp: Map<string, number>;
  /** The UTC days (YYYY-MM-DD) the rollup got rows for, per MSP (retention.ts merges them). */
  daysByMsp: Map<string, { first: string; last: string }>;
}

const BLOCKERS = `
  SELECT count(*)::int AS n FROM "%P" a
    LEFT JOIN unnest($1::uuid[], $2::timestamp[]) AS p(msp, cutoff) ON p.msp = a."mspId"
   WHERE a.decision = 'PENDING' OR p.cutoff IS NULL OR a."receivedAt" >= p.cutoff`;

const ROLL_UP_PARTITION = `
  WITH added AS (
    INSERT INTO "AlertDailyRollup" ("mspId", "companyId", day, asset, signature, decision, "incidentId", alerts)
    SELECT "mspId", "companyId", "receivedAt"::date, asset, signature, decision, "incidentId", count(*)::int
      FROM "%P" GROUP BY 1, 2, 3, 4, 5, 6, 7
    RETURNING "mspId", day, alerts)
  SELECT "mspId"::text AS msp, sum(alerts)::int AS n, min(day)::text AS first, max(day)::text AS last
    FROM added GROUP BY 1`;

/** Drops every month whose end is at or before `horizon` and whose alerts are all past their windows. */
export async function dropExpiredPartitions(
  pool: pg.Pool,
  horizon: Date,
  policies: DropPolicy[],
  lockTimeoutMs = 5000,
): Promise<DropOutcome> {
  const out: DropOutcome = { dropped: [], blocked: [], alertsByMsp: new Map(), daysByMsp: new Map() };
  const candidates = (await alertPartitions(pool)).filter((p) => p.to.getTime() <= horizon.getTime());
  for (const p of candidates) {
    const done = await dropOne(pool, p, policies, lockTimeoutMs, out);
    (done ? out.dropped : out.blocked).push(p.name);
  }
  return out;
}

async function dropOne(
  pool: pg.Pool,
  p: TAlertPartition,
  policies: DropPolicy[],
  lockTimeoutMs: number,
  out: DropOutcome,
): Promise<boolean> {
  const sql = (s: string) => s.replaceAll('%P', p.name);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    // No insert or update into this month until the drop commits: what is counted is what is dropped.
    await client.query(sql(`LOCK TABLE "%P" IN EXCLUSIVE MODE`));
    const blockers = await client.query<{ n: number }>(sql(BLOCKERS), [
      policies.map((x) => x.mspId),
      policies.map((x) => x.cutoff.toISOString()),
    ]);
    if (blockers.rows[0]!.n > 0) {
      await client.query('ROLLBACK');
      return false;
    }
    const rolled = await client.query<{ msp: string; n: number; first: string; last: string }>(
      sql(ROLL_UP_PARTITION),
    );
    // Their dedup claims go with them (as with a batched delete): a later redelivery is stored anew.
    await client.query(
      sql(
        `DELETE FROM "AlertDedupKey" k USING "%P" a WHERE k."companyId" = a."companyId" AND k."dedupKey" = a."dedupKey"`,
      ),
    );
    await client.query(sql(`DROP TABLE "%P"`));
    await client.query('COMMIT');
    for (const r of rolled.rows) {
      out.alertsByMsp.set(r.msp, (out.alertsByMsp.get(r.msp) ?? 0) + r.n);
      const d = out.daysByMsp.get(r.msp);
      out.daysByMsp.set(r.msp, {
        first: d && d.first < r.first ? d.first : r.first,
        last: d && d.last > r.last ? d.last : r.last,
      });
    }
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A lock not granted in time (lock_not_available): the next run tries again.
    if ((err as { code?: string }).code === '55P03') return false;
    throw err;
  } finally {
    client.release();
  }
}
