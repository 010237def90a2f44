// Row ↔ engine-state mapping and loading of configuration and rules.
import { parseMatchers } from '../engine/fields.ts';
import { parseRecurrence } from '../engine/schedule.ts';
import { DEFAULT_SITUATION_CONFIG, type SituationConfig } from '../engine/situations.ts';
import {
  ALERT_KINDS,
  type AlertKind,
  type CorrelationConfig,
  type EngineAlert,
  type FingerprintState,
  type IncidentState,
  type RuleSet,
  type Severity,
} from '../engine/types.ts';
import type { SqlRunner } from '../sql-runner.ts';

export interface CompanyConfigRow {
  mspId: string;
  config: CorrelationConfig;
  situations: SituationConfig;
}

const asKind = (v: unknown): AlertKind | undefined =>
  ALERT_KINDS.includes(v as AlertKind) ? (v as AlertKind) : undefined;

/** `{ "GENERIC": "STATEFUL" }` as stored; unknown entries dropped. */
export function parseSourceKinds(raw: unknown): Record<string, AlertKind> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, AlertKind> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const kind = asKind(v);
    if (kind) out[k] = kind;
  }
  return out;
}

/** `{ "web-1": ["switch-3"] }` as stored; anything else dropped. */
export function parseTopology(raw: unknown): Record<string, string[]> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
    const deps = list.filter((d): d is string => typeof d === 'string' && d.length > 0);
    if (deps.length) out[k] = deps;
  }
  return out;
}

/** The company's correlation settings (`FROM ${COMPANY_CONFIG_FROM}`), read by toCompanyConfig. */
export const COMPANY_CONFIG_COLUMNS = `c."mspId", "correlationWindowMinutes", "correlationWindowMode", "correlationMaxSpanMinutes",
            "aggregationKey", "minAlertsToOpen", "autoResolveQuietMinutes", "autoCloseAfterMinutes",
            "flapThreshold", "flapWindowMinutes", s."eventTtlMinutes", s."staleAfterMinutes", s."sourceKinds",
            s."situationsEnabled", s."situationWindowMinutes", s."situationEntities", s."hubShare",
            s."hubMinIncidents", s."hubLookbackMinutes", s."situationMaxIncidents", s."situationMaxSpanMinutes",
            s.topology, s."companyId" AS "settingsRow"`;
export const COMPANY_CONFIG_FROM = `"Company" c LEFT JOIN "CorrelationSettings" s ON s."companyId" = c.id`;

export async function loadCompanyConfig(sql: SqlRunner, companyId: string): Promise<CompanyConfigRow | null> {
  const rows = await sql(
    `SELECT ${COMPANY_CONFIG_COLUMNS} FROM ${COMPANY_CONFIG_FROM} WHERE c.id = $1::uuid`,
    [companyId],
  );
  return rows[0] ? toCompanyConfig(rows[0]) : null;
}

export function toCompanyConfig(row: Record<string, unknown>): CompanyConfigRow {
  return {
    mspId: row.mspId as string,
    config: {
      windowMinutes: Number(row.correlationWindowMinutes),
      windowMode: row.correlationWindowMode as 'FIXED' | 'ROLLING',
      maxSpanMinutes: Number(row.correlationMaxSpanMinutes),
      aggregationKey: row.aggregationKey as string,
      minAlertsToOpen: Number(row.minAlertsToOpen),
      autoResolveQuietMinutes: Number(row.autoResolveQuietMinutes),
      autoCloseAfterMinutes: row.autoCloseAfterMinutes === null ? null : Number(row.autoCloseAfterMinutes),
      flapThreshold: Number(row.flapThreshold),
      flapWindowMinutes: Number(row.flapWindowMinutes),
      eventTtlMinutes:
        row.eventTtlMinutes === null || row.eventTtlMinutes === undefined
          ? null
          : Number(row.eventTtlMinutes),
      staleAfterMinutes: row.settingsRow ? Number(row.staleAfterMinutes) : 360,
      sourceKinds: parseSourceKinds(row.sourceKinds),
    },
    situations: row.settingsRow
      ? {
          enabled: Boolean(row.situationsEnabled),
          windowMinutes: Number(row.situationWindowMinutes),
          entities: (row.situationEntities as string[]) ?? [],
          hubShare: Number(row.hubShare),
          hubMinIncidents: Number(row.hubMinIncidents),
          hubLookbackMinutes: Number(row.hubLookbackMinutes),
          maxIncidents: Number(row.situationMaxIncidents),
          maxSpanMinutes: Number(row.situationMaxSpanMinutes),
          topology: parseTopology(row.topology),
        }
      : DEFAULT_SITUATION_CONFIG,
  };
}

/** Epoch milliseconds of a timestamp column, as the rules read returns its times. */
const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;

/**
 * The rules read as three JSON columns (`mw`, `si`, `ir`, read by toRuleSet): the maintenance windows
 * and silences of the company (`company`: an SQL expression for its id) that end after `from` (an SQL
 * expression for a timestamp), and its enabled inhibition rules. loadRules selects them alone; a
 * correlation turn selects them beside its batch read, from the batch's earliest alert (apply.ts).
 */
export function rulesColumns(company: string, from: string): string {
  return `(SELECT COALESCE(json_agg(json_build_object('id', id, 'name', name, 'matchers', matchers,
                 'startsAt', ${ms('"startsAt"')}, 'endsAt', ${ms('"endsAt"')}, 'recurrence', recurrence,
                 'timezone', timezone) ORDER BY "createdAt", id), '[]')
          FROM "MaintenanceWindow" WHERE "companyId" = ${company} AND "endsAt" > ${from}) AS mw,
       (SELECT COALESCE(json_agg(json_build_object('id', id, 'matchers', matchers, 'startsAt', ${ms('"startsAt"')},
                 'endsAt', ${ms('"endsAt"')}, 'comment', comment) ORDER BY "createdAt", id), '[]')
          FROM "Silence" WHERE "companyId" = ${company} AND "endsAt" > ${from}) AS si,
       (SELECT COALESCE(json_agg(json_build_object('id', id, 'name', name, 'sourceMatchers', "sourceMatchers",
                 'targetMatchers', "targetMatchers", 'equal', equal, 'enabled', enabled) ORDER BY "createdAt", id), '[]')
          FROM "InhibitionRule" WHERE "companyId" = ${company} AND enabled) AS ir`;
}

/** Rules that can apply to alerts at or after `from` (and enabled inhibition rules). */
export async function loadRules(sql: SqlRunner, companyId: string, from: Date): Promise<RuleSet> {
  // One statement, one round trip; times as epoch ms.
  const [row] = await sql<RulesRow>(`SELECT ${rulesColumns('$1::uuid', '$2::timestamp')}`, [
    companyId,
    from.toISOString(),
  ]);
  return toRuleSet(row);
}

/** The columns of rulesColumns as a row holds them (pg parses the JSON). */
export interface RulesRow {
  mw?: Record<string, unknown>[] | null;
  si?: Record<string, unknown>[] | null;
  ir?: Record<string, unknown>[] | null;
}

export function toRuleSet(row: RulesRow | undefined): RuleSet {
  const mw = row?.mw ?? [];
  const si = row?.si ?? [];
  const ir = row?.ir ?? [];
  return {
    maintenanceWindows: mw.flatMap((r) => {
      const rec = parseRecurrence(r.recurrence);
      if (rec === 'invalid') return [];
      return [
        {
          id: r.id as string,
          name: r.name as string,
          matchers: parseMatchers(r.matchers),
          startsAt: new Date(r.startsAt as number),
          endsAt: new Date(r.endsAt as number),
          recurrence: rec,
          timezone: (r.timezone as string) || 'UTC',
        },
      ];
    }),
    silences: si.map((r) => ({
      id: r.id as string,
      matchers: parseMatchers(r.matchers),
      startsAt: new Date(r.startsAt as number),
      endsAt: new Date(r.endsAt as number),
      comment: r.comment as string,
    })),
    inhibitionRules: ir.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      sourceMatchers: parseMatchers(r.sourceMatchers),
      targetMatchers: parseMatchers(r.targetMatchers),
      equal: (r.equal as string[]) ?? [],
      enabled: Boolean(r.enabled),
    })),
  };
}

/** Labels as own string properties (fromEntries defines a `__proto__` label instead of setting the prototype). */
function stringLabels(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** Alert columns plus the kind its API key chose (used as `FROM "Alert"` without an alias). */
export const ALERT_COLUMNS = `id, fingerprint, source, asset, signature, service, summary, severity, status, "occurredAt", labels,
  kind, (SELECT k."alertKind" FROM "ApiKey" k WHERE k.id = "Alert"."apiKeyId") AS "keyKind"`;

export function toEngineAlert(r: Record<string, unknown>): EngineAlert {
  return {
    id: r.id as bigint,
    fingerprint: r.fingerprint as string,
    source: r.source as string,
    asset: r.asset as string,
    signature: r.signature as string,
    service: (r.service as string | null) ?? null,
    summary: (r.summary as string) ?? '',
    severity: r.severity as Severity,
    status: r.status as 'FIRING' | 'RESOLVED',
    occurredAt: r.occurredAt as Date,
    labels: stringLabels(r.labels),
    ...(asKind(r.kind ?? r.keyKind) ? { kind: asKind(r.kind ?? r.keyKind) } : {}),
  };
}

export const INCIDENT_COLUMNS = `id, "correlationKey", status, title, asset, signature, source, severity, "alertCount",
  "firingCount", "windowMode", "windowStart", "windowEnd", "firstSeenAt", "lastSeenAt", flapping, transitions,
  "quietSince", "lastTransitionAt", "resolvedAt", resolution, "resolutionNote", "eventsUntil", stale`;

export function toIncidentState(r: Record<string, unknown>): IncidentState {
  return {
    id: r.id as string,
    key: r.correlationKey as string,
    status: r.status as IncidentState['status'],
    title: r.title as string,
    asset: r.asset as string,
    signature: r.signature as string,
    source: r.source as string,
    severity: r.severity as Severity,
    alertCount: Number(r.alertCount),
    firingCount: Number(r.firingCount),
    windowMode: r.windowMode as IncidentState['windowMode'],
    windowStart: r.windowStart as Date,
    windowEnd: r.windowEnd as Date,
    firstSeenAt: r.firstSeenAt as Date,
    lastSeenAt: r.lastSeenAt as Date,
    flapping: Boolean(r.flapping),
    transitions: Number(r.transitions),
    quietSince: (r.quietSince as Date | null) ?? null,
    lastTransitionAt: (r.lastTransitionAt as Date | null) ?? null,
    resolvedAt: (r.resolvedAt as Date | null) ?? null,
    resolution: (r.resolution as IncidentState['resolution']) ?? null,
    resolutionNote: (r.resolutionNote as string | null) ?? null,
    eventsUntil: (r.eventsUntil as Date | null) ?? null,
    stale: Boolean(r.stale),
  };
}

export const STATE_COLUMNS = `fingerprint, status, source, asset, signature, service, severity, labels, "lastAlertId",
  "lastSeenAt", "incidentId", transitions, kind`;

export function toFingerprintState(r: Record<string, unknown>): FingerprintState {
  return {
    fingerprint: r.fingerprint as string,
    status: r.status as FingerprintState['status'],
    source: r.source as string,
    asset: r.asset as string,
    signature: r.signature as string,
    service: (r.service as string | null) ?? null,
    severity: r.severity as Severity,
    labels: stringLabels(r.labels),
    lastAlertId: r.lastAlertId as bigint,
    lastSeenAt: r.lastSeenAt as Date,
    incidentId: (r.incidentId as string | null) ?? null,
    transitions: (r.transitions as Date[] | null) ?? [],
    ...(asKind(r.kind) ? { kind: asKind(r.kind) } : {}),
  };
}
