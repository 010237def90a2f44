// Types of the pure correlation engine. No I/O: the engine sees alerts, rules, a configuration
// and a state object, and returns decisions; persistence (../store) loads and saves the state.

import type { IncidentStatus, Severity } from '@aw/core/domain';

export type { IncidentStatus, Severity };
export type AlertStatus = 'FIRING' | 'RESOLVED';
export type Decision = 'CORRELATED' | 'DEDUPLICATED' | 'SUPPRESSED' | 'INHIBITED' | 'RESOLVED_SIGNAL';
export type ResolutionKind = 'MANUAL' | 'AUTO' | 'RUNBOOK';
export type WindowMode = 'FIXED' | 'ROLLING';
/**
 * STATEFUL: the sender reports the end (Alertmanager, Grafana, CloudWatch, PagerDuty); its
 * identity holds an incident open while firing. EVENT: no end will ever come (IDS, syslog,
 * Windows event log, most generic JSON); its identity holds an incident open for the firing TTL.
 */
export type AlertKind = 'STATEFUL' | 'EVENT';
export const ALERT_KINDS: readonly AlertKind[] = ['STATEFUL', 'EVENT'];

/** Default kind per source when neither the alert, its mapping nor its API key chose one. */
export const DEFAULT_SOURCE_KINDS: Readonly<Record<string, AlertKind>> = {
  ALERTMANAGER: 'STATEFUL',
  GRAFANA: 'STATEFUL',
  CLOUDWATCH: 'STATEFUL',
  PAGERDUTY: 'STATEFUL',
  OPERATOR: 'STATEFUL',
  NATIVE: 'STATEFUL',
  GENERIC: 'EVENT',
};

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** The normalized alert as ingestion stored it (only what correlation reads). */
export interface EngineAlert {
  id: bigint;
  fingerprint: string;
  source: string;
  asset: string;
  signature: string;
  service: string | null;
  summary: string;
  severity: Severity;
  status: AlertStatus;
  occurredAt: Date;
  labels: Record<string, string>;
  /** Chosen per alert, per generic mapping or per API key; absent → the source default (config). */
  kind?: AlertKind;
}

/** Per-company settings (Company.correlation* columns). */
export interface CorrelationConfig {
  windowMinutes: number;
  windowMode: WindowMode;
  maxSpanMinutes: number;
  /** e.g. `asset|signature`, `service|signature`, `asset|label:env` */
  aggregationKey: string;
  minAlertsToOpen: number;
  autoResolveQuietMinutes: number;
  autoCloseAfterMinutes: number | null;
  flapThreshold: number;
  flapWindowMinutes: number;
  /** How long an event identity holds an incident open after it last fired; null = the window. */
  eventTtlMinutes: number | null;
  /** A firing stateful alert with no update for this long marks its incident stale (0 = off). */
  staleAfterMinutes: number;
  /** Per-company overrides of DEFAULT_SOURCE_KINDS. */
  sourceKinds: Record<string, AlertKind>;
}

export const DEFAULT_CONFIG: CorrelationConfig = {
  windowMinutes: 15,
  windowMode: 'FIXED',
  maxSpanMinutes: 1440,
  aggregationKey: 'asset|signature',
  minAlertsToOpen: 1,
  autoResolveQuietMinutes: 0,
  autoCloseAfterMinutes: null,
  flapThreshold: 4,
  flapWindowMinutes: 30,
  eventTtlMinutes: null,
  staleAfterMinutes: 360,
  sourceKinds: {},
};

/** The firing TTL of event identities (default: the window). */
export function eventTtl(c: CorrelationConfig): number {
  return c.eventTtlMinutes ?? c.windowMinutes;
}

/** The alert's kind: its own choice, else the company's override for its source, else the default. */
export function kindOf(a: { kind?: AlertKind; source: string }, c: CorrelationConfig): AlertKind {
  return a.kind ?? c.sourceKinds[a.source] ?? DEFAULT_SOURCE_KINDS[a.source] ?? 'STATEFUL';
}

export type MatchOp = '=' | '!=' | '=~' | '!~';
/** field: `asset`, `signature`, `service`, `source`, `severity`, `summary` or `label:<name>`. */
export interface Matcher {
  field: string;
  op: MatchOp;
  value: string;
}

export type Recurrence =
  /** days: 0 = Sunday … 6 = Saturday; start "HH:MM" in the window's time zone. */
  | { kind: 'weekly'; days: number[]; start: string; durationMinutes: number }
  /** Five-field cron (minute hour day-of-month month day-of-week) in the window's time zone. */
  | { kind: 'cron'; expr: string; durationMinutes: number };

export interface MaintenanceWindowRule {
  id: string;
  name: string;
  matchers: Matcher[];
  /** One-off: the window. Recurring: the period in which the recurrence applies. */
  startsAt: Date;
  endsAt: Date;
  recurrence: Recurrence | null;
  timezone: string;
}

export interface SilenceRule {
  id: string;
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  comment: string;
}

export interface InhibitionRuleDef {
  id: string;
  name: string;
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
  enabled: boolean;
}

export interface RuleSet {
  maintenanceWindows: MaintenanceWindowRule[];
  silences: SilenceRule[];
  inhibitionRules: InhibitionRuleDef[];
}

export const NO_RULES: RuleSet = { maintenanceWindows: [], silences: [], inhibitionRules: [] };

export interface IncidentState {
  id: string;
  key: string;
  status: IncidentStatus;
  title: string;
  asset: string;
  signature: string;
  source: string;
  severity: Severity;
  alertCount: number;
  firingCount: number;
  windowMode: WindowMode;
  windowStart: Date;
  windowEnd: Date;
  firstSeenAt: Date;
  lastSeenAt: Date;
  flapping: boolean;
  transitions: number;
  quietSince: Date | null;
  lastTransitionAt: Date | null;
  resolvedAt: Date | null;
  resolution: ResolutionKind | null;
  resolutionNote: string | null;
  /** Event identities hold the incident open until this time (their last firing + TTL). */
  eventsUntil: Date | null;
  /** Firing stateful alerts sent no update for the stale time: shown as stale, never auto-resolved. */
  stale: boolean;
}

/** What the engine remembers about one alert identity (fingerprint). */
export interface FingerprintState {
  fingerprint: string;
  status: AlertStatus;
  source: string;
  asset: string;
  signature: string;
  service: string | null;
  severity: Severity;
  labels: Record<string, string>;
  lastAlertId: bigint;
  lastSeenAt: Date;
  /** The incident this identity currently counts in (null when suppressed, inhibited or held). */
  incidentId: string | null;
  /** Times of its recent FIRING↔RESOLVED transitions (within the flap window). */
  transitions: Date[];
  kind?: AlertKind;
}

/** Alerts of a key waiting for `minAlertsToOpen`: decided CORRELATED, linked once the incident opens. */
export interface HeldGroup {
  key: string;
  windowStart: Date;
  alertIds: bigint[];
  fingerprints: string[];
}

export interface WindowInfo {
  mode: WindowMode;
  start: string;
  end: string;
}

/** The explanation stored in Alert.decisionReason. */
export interface DecisionReason {
  stage: 'dedup' | 'resolve' | 'suppress' | 'inhibit' | 'incident';
  rule: string;
  explanation: string;
  key: string | null;
  incidentId: string | null;
  window: WindowInfo | null;
  ruleId?: string;
  ruleName?: string;
  sourceFingerprint?: string;
  sourceAlertId?: string;
  groupStart?: string;
  /** Rules skipped because a stored matcher is not valid RE2 (they match nothing). */
  ignoredRules?: IgnoredRule[];
}

export interface IgnoredRule {
  kind: 'maintenanceWindow' | 'silence' | 'inhibitionRule';
  id: string;
  field: string;
  reason: string;
}

export interface AlertDecisionOut {
  alertId: bigint;
  decision: Decision;
  correlationKey: string | null;
  incidentId: string | null;
  reason: DecisionReason;
}

export type IncidentEventType =
  | 'created'
  | 'resolved'
  | 'flapping'
  | 'flapping_cleared'
  | 'stale'
  | 'stale_cleared'
  | 'acknowledged'
  | 'assigned'
  | 'note';

export interface IncidentEventOut {
  incidentId: string;
  type: IncidentEventType;
  at: Date;
  message: string;
  data: Record<string, unknown>;
}
