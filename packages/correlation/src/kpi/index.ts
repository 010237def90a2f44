// KPIs computed in the database for one company or the whole MSP over [from, to). Alert counts
// read ALERT_FACTS (live alerts, plus the daily rollup of the alerts that retention deleted:
// packages/retention), so a period older than the retention keeps its figures.
// Definitions and a worked example: docs/KPI_TRACKING.md.
import { num, numOrNull, type SqlRunner } from '../sql-runner.ts';
import { runbookTable, type RunbookRow } from './runbooks.ts';

export { runbookTable, type RunbookRow };

export interface KpiScope {
  mspId: string;
  /** null/undefined = every company of the MSP */
  companyId?: string | null;
}

export interface Period {
  from: Date;
  to: Date;
}

const scopeArgs = (s: KpiScope, p: Period) => [
  s.mspId,
  s.companyId ?? null,
  p.from.toISOString(),
  p.to.toISOString(),
];
const SCOPE = `"mspId" = $1::uuid AND ($2::uuid IS NULL OR "companyId" = $2::uuid)`;

/**
 * Every alert once (n = 1), and each "AlertDailyRollup" row with its count, dated at the start of
 * its day: counts are sum(n). PostgreSQL pushes the scope and period filters into both branches.
 */
const ALERT_FACTS = `(SELECT "mspId", "companyId", "receivedAt", decision, asset, signature, "incidentId", 1 AS n
    FROM "Alert"
  UNION ALL
  SELECT "mspId", "companyId", day::timestamp AS "receivedAt", decision, asset, signature, "incidentId", alerts AS n
    FROM "AlertDailyRollup") AS facts`;

export interface NoiseReduction {
  /** Every alert received in the period (the BigPanda "events"), decided or not. */
  alerts: number;
  decided: number;
  pending: number;
  /** Alerts correlation gave up on (decision FAILED, reason on the alert); not in `decided`. */
  failed: number;
  correlated: number;
  deduplicated: number;
  suppressed: number;
  inhibited: number;
  resolvedSignals: number;
  /** Incidents opened in the period. */
  incidents: number;
  /** 1 − incidents / alerts (decided alerts), as a percentage; null without alerts. */
  noiseReductionPct: number | null;
  /** What a technician sees: situations plus incidents in no situation (incidents opened in the period). */
  situations: number;
  /** 1 − situations / alerts (decided alerts), as a percentage; null without alerts. */
  noiseReductionBySituationsPct: number | null;
  deduplicatedPct: number | null;
  suppressedPct: number | null;
  inhibitedPct: number | null;
  resolvedSignalsPct: number | null;
  /** 1 − incidents / correlated: how much grouping compressed the alerts that reached it. */
  correlationPct: number | null;
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : null);

export async function noiseReduction(
  sql: SqlRunner,
  scope: KpiScope,
  period: Period,
): Promise<NoiseReduction> {
  const [r] = await sql(
    `WITH a AS (
       SELECT COALESCE(sum(n), 0) AS alerts,
              COALESCE(sum(n) FILTER (WHERE decision = 'PENDING'), 0) AS pending,
              COALESCE(sum(n) FILTER (WHERE decision = 'FAILED'), 0) AS failed,
              COALESCE(sum(n) FILTER (WHERE decision = 'CORRELATED'), 0) AS correlated,
              COALESCE(sum(n) FILTER (WHERE decision = 'DEDUPLICATED'), 0) AS deduplicated,
              COALESCE(sum(n) FILTER (WHERE decision = 'SUPPRESSED'), 0) AS suppressed,
              COALESCE(sum(n) FILTER (WHERE decision = 'INHIBITED'), 0) AS inhibited,
              COALESCE(sum(n) FILTER (WHERE decision = 'RESOLVED_SIGNAL'), 0) AS resolved
         FROM ${ALERT_FACTS} WHERE ${SCOPE} AND "receivedAt" >= $3::timestamp AND "receivedAt" < $4::timestamp),
     i AS (SELECT count(*) AS incidents,
                  count(*) FILTER (WHERE "situationId" IS NULL) + count(DISTINCT "situationId") AS items
             FROM "Incident"
            WHERE ${SCOPE} AND "createdAt" >= $3::timestamp AND "createdAt" < $4::timestamp)
     SELECT * FROM a, i`,
    scopeArgs(scope, period),
  );
  const alerts = num(r?.alerts);
  const pending = num(r?.pending);
  const failed = num(r?.failed);
  const decided = alerts - pending - failed;
  const incidents = num(r?.incidents);
  const correlated = num(r?.correlated);
  const nr = decided > 0 ? Math.round((1 - incidents / decided) * 10_000) / 100 : null;
  const items = num(r?.items);
  return {
    alerts,
    decided,
    pending,
    failed,
    correlated,
    deduplicated: num(r?.deduplicated),
    suppressed: num(r?.suppressed),
    inhibited: num(r?.inhibited),
    resolvedSignals: num(r?.resolved),
    incidents,
    noiseReductionPct: nr,
    situations: items,
    noiseReductionBySituationsPct: decided > 0 ? Math.round((1 - items / decided) * 10_000) / 100 : null,
    deduplicatedPct: pct(num(r?.deduplicated), decided),
    suppressedPct: pct(num(r?.suppressed), decided),
    inhibitedPct: pct(num(r?.inhibited), decided),
    resolvedSignalsPct: pct(num(r?.resolved), decided),
    correlationPct: correlated > 0 ? Math.round((1 - incidents / correlated) * 10_000) / 100 : null,
  };
}

export interface MttrRow {
  signature: string;
  resolved: number;
  manualCount: number;
  /** Mean time to resolve (firstSeenAt → resolvedAt), minutes. */
  manualMttrMinutes: number | null;
  automatedCount: number;
  automatedMttrMinutes: number | null;
  /** of the automated: resolved by the engine (all alerts cleared / auto-close) */
  autoCount: number;
  /** of the automated: resolved by a runbook */
  runbookCount: number;
  mttrMinutes: number | null;
}

const minutes = (v: unknown) => {
  const n = numOrNull(v);
  return n === null ? null : Math.round((n / 60) * 10) / 10;
};

export async function mttrBySignature(
  sql: SqlRunner,
  scope: KpiScope,
  period: Period,
  limit = 50,
): Promise<MttrRow[]> {
  const rows = await sql(
    `SELECT signature, count(*) AS resolved,
            count(*) FILTER (WHERE resolution = 'MANUAL') AS manual_count,
            avg(extract(epoch FROM "resolvedAt" - "firstSeenAt")) FILTER (WHERE resolution = 'MANUAL')::float8 AS manual_s,
            count(*) FILTER (WHERE resolution IN ('AUTO', 'RUNBOOK')) AS automated_count,
            avg(extract(epoch FROM "resolvedAt" - "firstSeenAt")) FILTER (WHERE resolution IN ('AUTO', 'RUNBOOK'))::float8 AS automated_s,
            count(*) FILTER (WHERE resolution = 'AUTO') AS auto_count,
            count(*) FILTER (WHERE resolution = 'RUNBOOK') AS runbook_count,
            avg(extract(epoch FROM "resolvedAt" - "firstSeenAt"))::float8 AS all_s
       FROM "Incident"
      WHERE ${SCOPE} AND status = 'RESOLVED' AND "resolvedAt" >= $3::timestamp AND "resolvedAt" < $4::timestamp
      GROUP BY signature ORDER BY count(*) DESC, signature LIMIT $5`,
    [...scopeArgs(scope, period), limit],
  );
  return rows.map((r) => ({
    signature: r.signature as string,
    resolved: num(r.resolved),
    manualCount: num(r.manual_count),
    manualMttrMinutes: minutes(r.manual_s),
    automatedCount: num(r.automated_count),
    automatedMttrMinutes: minutes(r.automated_s),
    autoCount: num(r.auto_count),
    runbookCount: num(r.runbook_count),
    mttrMinutes: minutes(r.all_s),
  }));
}

export interface SelfHealed {
  resolved: number;
  /** resolved by a runbook (resolution RUNBOOK) or with a successful automatic runbook execution */
  selfHealed: number;
  selfHealedPct: number | null;
  automaticExecutions: number;
  automaticSucceeded: number;
}

export async function selfHealed(sql: SqlRunner, scope: KpiScope, period: Period): Promise<SelfHealed> {
  const [r] = await sql(
    `WITH i AS (
       SELECT count(*) AS resolved,
              count(*) FILTER (WHERE i.resolution = 'RUNBOOK' OR EXISTS (
                SELECT 1 FROM "RunbookExecution" e
                 WHERE e."incidentId" = i.id AND e.automatic AND e.status = 'SUCCESS')) AS healed
         FROM "Incident" i
        WHERE i."mspId" = $1::uuid AND ($2::uuid IS NULL OR i."companyId" = $2::uuid) AND i.status = 'RESOLVED'
          AND i."resolvedAt" >= $3::timestamp AND i."resolvedAt" < $4::timestamp),
     e AS (
       SELECT count(*) AS runs, count(*) FILTER (WHERE e.status = 'SUCCESS') AS ok
         FROM "RunbookExecution" e JOIN "Company" c ON c.id = e."companyId"
        WHERE c."mspId" = $1::uuid AND ($2::uuid IS NULL OR e."companyId" = $2::uuid) AND e.automatic
          AND e."createdAt" >= $3::timestamp AND e."createdAt" < $4::timestamp)
     SELECT * FROM i, e`,
    scopeArgs(scope, period),
  );
  const resolved = num(r?.resolved);
  const healed = num(r?.healed);
  return {
    resolved,
    selfHealed: healed,
    selfHealedPct: pct(healed, resolved),
    automaticExecutions: num(r?.runs),
    automaticSucceeded: num(r?.ok),
  };
}

export interface NoisyRow {
  value: string;
  alerts: number;
  incidents: number;
  deduplicated: number;
  suppressed: number;
  inhibited: number;
}

export async function topNoisy(
  sql: SqlRunner,
  scope: KpiScope,
  period: Period,
  by: 'asset' | 'signature',
  limit = 10,
): Promise<NoisyRow[]> {
  const col = by === 'asset' ? 'asset' : 'signature';
  const rows = await sql(
    `SELECT ${col} AS value, sum(n) AS alerts, count(DISTINCT "incidentId") AS incidents,
            COALESCE(sum(n) FILTER (WHERE decision = 'DEDUPLICATED'), 0) AS deduplicated,
            COALESCE(sum(n) FILTER (WHERE decision = 'SUPPRESSED'), 0) AS suppressed,
            COALESCE(sum(n) FILTER (WHERE decision = 'INHIBITED'), 0) AS inhibited
       FROM ${ALERT_FACTS} WHERE ${SCOPE} AND "receivedAt" >= $3::timestamp AND "receivedAt" < $4::timestamp
      GROUP BY ${col} ORDER BY sum(n) DESC, ${col} LIMIT $5`,
    [...scopeArgs(scope, period), limit],
  );
  return rows.map((r) => ({
    value: r.value as string,
    alerts: num(r.alerts),
    incidents: num(r.incidents),
    deduplicated: num(r.deduplicated),
    suppressed: num(r.suppressed),
    inhibited: num(r.inhibited),
  }));
}

export interface KpiReport {
  scope: KpiScope;
  period: { from: string; to: string };
  noise: NoiseReduction;
  mttr: MttrRow[];
  selfHealed: SelfHealed;
  topAssets: NoisyRow[];
  topSignatures: NoisyRow[];
  runbooks: RunbookRow[];
}

export async function kpiReport(
  sql: SqlRunner,
  scope: KpiScope,
  period: Period,
  limit = 10,
): Promise<KpiReport> {
  const [noise, mttr, healed, topAssets, topSignatures, runbooks] = await Promise.all([
    noiseReduction(sql, scope, period),
    mttrBySignature(sql, scope, period),
    selfHealed(sql, scope, period),
    topNoisy(sql, scope, period, 'asset', limit),
    topNoisy(sql, scope, period, 'signature', limit),
    runbookTable(sql, scope, period),
  ]);
  return {
    scope,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    noise,
    mttr,
    selfHealed: healed,
    topAssets,
    topSignatures,
    runbooks,
  };
}

// ───────────── CSV ─────────────

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  // Spreadsheet formula injection: prefix cells that a spreadsheet would evaluate.
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T extends object>(rows: readonly T[], columns: (keyof T & string)[]): string {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export type KpiCsvKind = 'noise' | 'mttr' | 'self-healed' | 'top-assets' | 'top-signatures' | 'runbooks';

export function kpiCsv(report: KpiReport, kind: KpiCsvKind): string {
  const p = { from: report.period.from, to: report.period.to };
  switch (kind) {
    case 'noise':
      return toCsv(
        [{ ...p, ...report.noise }],
        [
          'from',
          'to',
          'alerts',
          'decided',
          'pending',
          'incidents',
          'correlated',
          'deduplicated',
          'suppressed',
          'inhibited',
          'resolvedSignals',
          'noiseReductionPct',
          'situations',
          'noiseReductionBySituationsPct',
          'deduplicatedPct',
          'suppressedPct',
          'inhibitedPct',
          'resolvedSignalsPct',
          'correlationPct',
          'failed',
        ],
      );
    case 'mttr':
      return toCsv(report.mttr, [
        'signature',
        'resolved',
        'manualCount',
        'manualMttrMinutes',
        'automatedCount',
        'automatedMttrMinutes',
        'autoCount',
        'runbookCount',
        'mttrMinutes',
      ]);
    case 'self-healed':
      return toCsv(
        [{ ...p, ...report.selfHealed }],
        [
          'from',
          'to',
          'resolved',
          'selfHealed',
          'selfHealedPct',
          'automaticExecutions',
          'automaticSucceeded',
        ],
      );
    case 'runbooks':
      return toCsv(report.runbooks, [
        'runbook',
        'executions',
        'succeeded',
        'failed',
        'refused',
        'successRatePct',
        'medianDurationSeconds',
        'incidentsHealed',
        'timeSavedMinutes',
      ]);
    case 'top-assets':
    case 'top-signatures':
      return toCsv(kind === 'top-assets' ? report.topAssets : report.topSignatures, [
        'value',
        'alerts',
        'incidents',
        'deduplicated',
        'suppressed',
        'inhibited',
      ]);
  }
}
