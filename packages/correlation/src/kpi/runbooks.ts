// The runbook table: per runbook, executions, success rate, median duration, and the time it
// saved (per healed incident: the manual MTTR of its signature minus its own time to resolve).
// Definitions: docs/KPI_TRACKING.md.
import { num, numOrNull, type SqlRunner } from '../sql-runner.ts';

export interface RunbookRow {
  runbook: string;
  /** Created in the period, except those still awaiting approval. */
  executions: number;
  succeeded: number;
  failed: number;
  refused: number;
  /** succeeded ÷ (succeeded + failed + timed out), percent; null before any finished. */
  successRatePct: number | null;
  /** Median startedAt → finishedAt of the runs that finished, seconds. */
  medianDurationSeconds: number | null;
  /** Incidents of the period it resolved (resolution RUNBOOK). */
  incidentsHealed: number;
  /** Σ (manual MTTR of the signature − the healed incident's time to resolve), minutes; null without a manual baseline. */
  timeSavedMinutes: number | null;
}

export async function runbookTable(
  sql: SqlRunner,
  scope: { mspId: string; companyId?: string | null },
  period: { from: Date; to: Date },
): Promise<RunbookRow[]> {
  const rows = await sql(
    `WITH ex AS (
       SELECT r.name, e.status, extract(epoch FROM e."finishedAt" - e."startedAt")::float8 AS d
         FROM "RunbookExecution" e JOIN "Runbook" r ON r.id = e."runbookId"
        WHERE e."mspId" = $1::uuid AND ($2::uuid IS NULL OR e."companyId" = $2::uuid)
          AND e."createdAt" >= $3::timestamp AND e."createdAt" < $4::timestamp AND e.status <> 'PENDING_APPROVAL'),
     agg AS (
       SELECT name, count(*) AS executions,
              count(*) FILTER (WHERE status = 'SUCCESS') AS succeeded,
              count(*) FILTER (WHERE status IN ('FAILED', 'TIMED_OUT')) AS failed,
              count(*) FILTER (WHERE status = 'REFUSED') AS refused,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FILTER (WHERE d IS NOT NULL AND status <> 'REFUSED') AS median_s
         FROM ex GROUP BY name),
     manual AS (
       SELECT signature, avg(extract(epoch FROM "resolvedAt" - "firstSeenAt"))::float8 AS s
         FROM "Incident"
        WHERE "mspId" = $1::uuid AND ($2::uuid IS NULL OR "companyId" = $2::uuid) AND resolution = 'MANUAL'
          AND "resolvedAt" >= $3::timestamp AND "resolvedAt" < $4::timestamp
        GROUP BY signature),
     healed AS (
       SELECT DISTINCT ON (i.id) r.name, i.signature, extract(epoch FROM i."resolvedAt" - i."firstSeenAt")::float8 AS s
         FROM "Incident" i
         JOIN "RunbookExecution" e ON e."incidentId" = i.id AND e.status = 'SUCCESS'
         JOIN "Runbook" r ON r.id = e."runbookId"
        WHERE i."mspId" = $1::uuid AND ($2::uuid IS NULL OR i."companyId" = $2::uuid) AND i.resolution = 'RUNBOOK'
          AND i."resolvedAt" >= $3::timestamp AND i."resolvedAt" < $4::timestamp
        ORDER BY i.id, e."finishedAt" DESC),
     saved AS (
       SELECT h.name, count(*) AS healed,
              sum(GREATEST(m.s - h.s, 0)) FILTER (WHERE m.s IS NOT NULL) AS saved_s
         FROM healed h LEFT JOIN manual m ON m.signature = h.signature GROUP BY h.name)
     SELECT coalesce(a.name, s.name) AS name, a.executions, a.succeeded, a.failed, a.refused, a.median_s,
            s.healed, s.saved_s
       FROM agg a FULL JOIN saved s ON s.name = a.name
      ORDER BY coalesce(a.executions, 0) DESC, 1`,
    [scope.mspId, scope.companyId ?? null, period.from.toISOString(), period.to.toISOString()],
  );
  return rows.map((r) => {
    const succeeded = num(r.succeeded);
    const failed = num(r.failed);
    const savedS = numOrNull(r.saved_s);
    const median = numOrNull(r.median_s);
    return {
      runbook: r.name as string,
      executions: num(r.executions),
      succeeded,
      failed,
      refused: num(r.refused),
      successRatePct:
        succeeded + failed > 0 ? Math.round((succeeded / (succeeded + failed)) * 10_000) / 100 : null,
      medianDurationSeconds: median === null ? null : Math.round(median * 10) / 10,
      incidentsHealed: num(r.healed),
      timeSavedMinutes: savedS === null ? null : Math.round((savedS / 60) * 10) / 10,
    };
  });
}
