// Data retention per MSP, in bounded batches so that no statement holds many rows locked and the
// intake path is never blocked for long:
//   1. raw payloads ("Alert".raw) of alerts received before now − rawPayloadDays are emptied;
//   2. decided alerts (decision ≠ PENDING) received before the start of the UTC day
//      now − decidedAlertDays are deleted, and the same statement adds their count per day,
//      company, asset, signature, decision and incident to "AlertDailyRollup", which
//      the KPI queries read too (packages/correlation/src/kpi, ALERT_FACTS): they count as before.
// Whole days only: a rolled-up alert is dated at the start of its day, so KPIs over periods that
// start and end on UTC day boundaries are exact after the drop. Incidents, runbook executions and
// audit logs are kept (MTTR and self-healed figures read them).
// "Alert" is partitioned by month (partitions.ts): the months that every MSP's window has passed are
// counted and dropped whole (drop-partitions.ts). The alerts of the MSPs with the longest window wait
// for that drop (at most one month past their window) instead of being deleted row by row; the
// batched deletes serve the MSPs with a shorter window, the default partition and a month that an
// undecided alert keeps from being dropped.
import type pg from 'pg';
import { dropExpiredPartitions } from './drop-partitions.ts';
import { alertPartitions } from './partitions.ts';

export interface TRetentionPolicy {
  mspId: string;
  rawPayloadDays: number;
  decidedAlertDays: number;
}

export const DEFAULT_RETENTION = { rawPayloadDays: 30, decidedAlertDays: 180 } as const;

export interface RetentionDeps {
  pool: pg.Pool;
  clock?: () => Date;
  /** Rows per statement (default 5000). */
  batchSize?: number;
}

export interface RetentionOutcome {
  mspId: string;
  payloadsCleared: number;
  /** Decided alerts counted into the rollup and deleted by the batched deletes. */
  alertsRolledUp: number;
  /** Decided alerts counted into the rollup and dropped with their month's partition. */
  alertsDropped: number;
  batches: number;
}

export interface RetentionRun {
  msps: RetentionOutcome[];
  /** Month partitions dropped, and those past every window that an alert still keeps. */
  partitionsDropped: string[];
  partitionsBlocked: string[];
}

/** Alerts with "occurredAt" in [from, to) that the batched deletes leave to a partition drop. */
export interface TLeftToDrop {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/** Midnight UTC of the day `days` before `now`. */
export function dayCutoff(now: Date, days: number): Date {
  const d = new Date(now.getTime() - days * DAY_MS);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** Every MSP with its policy (the defaults where it has none). */
export async function retentionPolicies(pool: pg.Pool): Promise<TRetentionPolicy[]> {
  const r = await pool.query<TRetentionPolicy>(
    `SELECT m.id AS "mspId",
            COALESCE(p."rawPayloadDays", $1)::int AS "rawPayloadDays",
            COALESCE(p."decidedAlertDays", $2)::int AS "decidedAlertDays"
       FROM "Msp" m LEFT JOIN "RetentionPolicy" p ON p."mspId" = m.id ORDER BY m.id`,
    [DEFAULT_RETENTION.rawPayloadDays, DEFAULT_RETENTION.decidedAlertDays],
  );
  return r.rows;
}

const CLEAR_PAYLOADS = `
  UPDATE "Alert" a SET raw = '{}'::jsonb
    FROM (SELECT id, "occurredAt" FROM "Alert"
           WHERE "mspId" = $1 AND "receivedAt" < $2::timestamp AND raw <> '{}'::jsonb
           LIMIT $3 FOR UPDATE SKIP LOCKED) b
   WHERE a.id = b.id AND a."occurredAt" = b."occurredAt"`;

// Alerts outside [$4, $5) ("occurredAt"), the months left to the partition drop (null: none).
const OUTSIDE_KEPT = `($4::timestamp IS NULL OR "occurredAt" < $4::timestamp OR "occurredAt" >= $5::timestamp)`;

// One statement: the deleted rows and their counts land together or not at all.
const ROLL_UP = `
  WITH gone AS (
    DELETE FROM "Alert" a
     USING (SELECT id, "occurredAt" FROM "Alert"
             WHERE "mspId" = $1 AND "receivedAt" < $2::timestamp AND decision <> 'PENDING' AND ${OUTSIDE_KEPT}
             LIMIT $3 FOR UPDATE SKIP LOCKED) b
     WHERE a.id = b.id AND a."occurredAt" = b."occurredAt"
    RETURNING a."mspId", a."companyId", a."receivedAt", a.asset, a.signature, a.decision, a."incidentId",
              a."dedupKey"),
  claims AS (
    DELETE FROM "AlertDedupKey" k USING gone g WHERE k."companyId" = g."companyId" AND k."dedupKey" = g."dedupKey"),
  added AS (
    INSERT INTO "AlertDailyRollup" ("mspId", "companyId", day, asset, signature, decision, "incidentId", alerts)
    SELECT "mspId", "companyId", "receivedAt"::date, asset, signature, decision, "incidentId", count(*)::int
      FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7
    RETURNING alerts)
  SELECT COALESCE(sum(alerts), 0)::int AS n FROM added`;

// Batches leave several rows per group: merge the days this run touched into one row per group.
const COMPACT = `
  WITH old AS (
    DELETE FROM "AlertDailyRollup" WHERE "mspId" = $1 AND day >= $2::date AND day <= $3::date
    RETURNING "mspId", "companyId", day, asset, signature, decision, "incidentId", alerts)
  INSERT INTO "AlertDailyRollup" ("mspId", "companyId", day, asset, signature, decision, "incidentId", alerts)
  SELECT "mspId", "companyId", day, asset, signature, decision, "incidentId", sum(alerts)::int
    FROM old GROUP BY 1, 2, 3, 4, 5, 6, 7`;

/**
 * Applies one MSP's policy with batched statements; alerts in `leftToDrop` are left to the partition
 * drop. Returns what it did. Idempotent: a second run finds nothing to do.
 */
export async function applyRetention(
  deps: RetentionDeps,
  policy: TRetentionPolicy,
  leftToDrop: TLeftToDrop | null = null,
): Promise<RetentionOutcome> {
  const now = (deps.clock ?? (() => new Date()))();
  const limit = deps.batchSize ?? 5000;
  const out: RetentionOutcome = {
    mspId: policy.mspId,
    payloadsCleared: 0,
    alertsRolledUp: 0,
    alertsDropped: 0,
    batches: 0,
  };
  const kept = [leftToDrop?.from.toISOString() ?? null, leftToDrop?.to.toISOString() ?? null];

  const rawCutoff = new Date(now.getTime() - policy.rawPayloadDays * DAY_MS).toISOString();
  for (;;) {
    const r = await deps.pool.query(CLEAR_PAYLOADS, [policy.mspId, rawCutoff, limit]);
    out.batches++;
    out.payloadsCleared += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < limit) break;
  }

  const cutoff = dayCutoff(now, policy.decidedAlertDays).toISOString();
  const span = await deps.pool.query<{ first: string | null; last: string | null }>(
    `SELECT min("receivedAt")::date::text AS first, max("receivedAt")::date::text AS last
       FROM "Alert" WHERE "mspId" = $1 AND "receivedAt" < $2::timestamp AND decision <> 'PENDING'
        AND ($3::timestamp IS NULL OR "occurredAt" < $3::timestamp OR "occurredAt" >= $4::timestamp)`,
    [policy.mspId, cutoff, ...kept],
  );
  const { first, last } = span.rows[0] ?? { first: null, last: null };
  if (!first || !last) return out;
  for (;;) {
    const r = await deps.pool.query<{ n: number }>(ROLL_UP, [policy.mspId, cutoff, limit, ...kept]);
    out.batches++;
    const n = r.rows[0]?.n ?? 0;
    out.alertsRolledUp += n;
    if (n < limit) break;
  }
  await deps.pool.query(COMPACT, [policy.mspId, first, last]);
  return out;
}

/**
 * Every MSP's policy: the months past every window are counted and dropped whole, then each MSP's
 * batched statements clear payloads and delete what is left past its own window.
 */
export async function runRetention(deps: RetentionDeps): Promise<RetentionRun> {
  const now = (deps.clock ?? (() => new Date()))();
  const policies = await retentionPolicies(deps.pool);
  const longest = policies.length
    ? Math.max(...policies.map((p) => p.decidedAlertDays))
    : DEFAULT_RETENTION.decidedAlertDays;
  const horizon = dayCutoff(now, longest);
  const drop = await dropExpiredPartitions(
    deps.pool,
    horizon,
    policies.map((p) => ({ mspId: p.mspId, cutoff: dayCutoff(now, p.decidedAlertDays) })),
  );
  // What the next drops will take: the months from the first one that ends after the horizon.
  const months = await alertPartitions(deps.pool);
  const waiting = months.filter((m) => m.to.getTime() > horizon.getTime());
  const leftToDrop = waiting.length ? { from: waiting[0]!.from, to: months.at(-1)!.to } : null;
  const msps: RetentionOutcome[] = [];
  for (const p of policies) {
    const o = await applyRetention(deps, p, p.decidedAlertDays === longest ? leftToDrop : null);
    o.alertsDropped = drop.alertsByMsp.get(p.mspId) ?? 0;
    const days = drop.daysByMsp.get(p.mspId);
    if (days) await deps.pool.query(COMPACT, [p.mspId, days.first, days.last]);
    msps.push(o);
  }
  return { msps, partitionsDropped: drop.dropped, partitionsBlocked: drop.blocked };
}
