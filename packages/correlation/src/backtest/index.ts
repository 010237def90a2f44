// Backtest: replays a company's stored alerts of a period through the current and a candidate
// configuration side by side. Alerts stream in keyset-paginated batches (id order, the order the
// engine decided them); both engines forget resolved incidents and stale identities after every
// batch, and only the top groups are kept, so memory is bounded by the open incidents, not the period.
import { AppError } from '@aw/core/errors';
import { CorrelationEngine } from '../engine/engine.ts';
import { SituationTracker } from '../engine/situation-tracker.ts';
import type { SituationConfig } from '../engine/situations.ts';
import { validKeyTemplate } from '../engine/fields.ts';
import { stateHorizonMinutes } from '../engine/pipeline.ts';
import type { StateChanges } from '../engine/state.ts';
import type { CorrelationConfig, Decision, IncidentState, Severity } from '../engine/types.ts';
import { num, type SqlRunner } from '../sql-runner.ts';
import { ALERT_COLUMNS, loadCompanyConfig, loadRules, toEngineAlert } from '../store/rows.ts';
import { validateSituationConfig } from '../services/situation-settings.ts';

export interface BacktestGroup {
  key: string;
  title: string;
  severity: Severity;
  alertCount: number;
  firstSeenAt: string;
}

export interface BacktestSide {
  config: CorrelationConfig;
  /** The situation settings this side linked with. */
  situationConfig: SituationConfig;
  incidents: number;
  decisions: Record<Decision, number>;
  noiseReductionPct: number | null;
  /** Situations plus incidents in no situation (the company's situation settings). */
  situations: number;
  /** Situations of two or more incidents, and the size of the largest. */
  linkedSituations: number;
  largestSituation: number;
  noiseReductionBySituationsPct: number | null;
  largestGroups: BacktestGroup[];
}

export interface BacktestResult {
  companyId: string;
  period: { from: string; to: string };
  alerts: number;
  current: BacktestSide;
  candidate: BacktestSide;
  durationMs: number;
}

export interface BacktestProgress {
  processed: number;
  total: number;
  pct: number;
}

/** Validates a candidate configuration against the documented bounds (AppError BAD_REQUEST). */
export function validateConfig(c: CorrelationConfig): void {
  const bad = (m: string) => {
    throw new AppError('BAD_REQUEST', m);
  };
  if (!Number.isInteger(c.windowMinutes) || c.windowMinutes < 1 || c.windowMinutes > 60)
    bad('window must be 1-60 minutes');
  if (c.maxSpanMinutes < c.windowMinutes || c.maxSpanMinutes > 10_080)
    bad('max span must be window..10080 minutes');
  if (!validKeyTemplate(c.aggregationKey))
    bad('aggregation key: fields separated by |, e.g. asset|signature');
  if (c.minAlertsToOpen < 1 || c.minAlertsToOpen > 100) bad('minimum alerts must be 1-100');
  if (c.autoResolveQuietMinutes < 0 || c.autoResolveQuietMinutes > 1440)
    bad('quiet period must be 0-1440 minutes');
  if (c.autoCloseAfterMinutes !== null && (c.autoCloseAfterMinutes < 1 || c.autoCloseAfterMinutes > 43_200))
    bad('auto-close must be 1-43200 minutes');
  if (c.flapThreshold < 2 || c.flapThreshold > 100) bad('flap threshold must be 2-100');
  if (c.flapWindowMinutes < 1 || c.flapWindowMinutes > 1440) bad('flap window must be 1-1440 minutes');
  if (
    c.eventTtlMinutes !== null &&
    (!Number.isInteger(c.eventTtlMinutes) || c.eventTtlMinutes < 1 || c.eventTtlMinutes > 1440)
  )
    bad('event firing TTL must be 1-1440 minutes (or empty for the window)');
  if (!Number.isInteger(c.staleAfterMinutes) || c.staleAfterMinutes < 0 || c.staleAfterMinutes > 43_200)
    bad('stale time must be 0-43200 minutes (0 = off)');
  for (const [source, kind] of Object.entries(c.sourceKinds))
    if (kind !== 'STATEFUL' && kind !== 'EVENT') bad(`kind for ${source} must be STATEFUL or EVENT`);
}

class Side {
  readonly engine: CorrelationEngine;
  readonly decisions: Record<Decision, number> = {
    CORRELATED: 0,
    DEDUPLICATED: 0,
    SUPPRESSED: 0,
    INHIBITED: 0,
    RESOLVED_SIGNAL: 0,
  };
  incidents = 0;
  private readonly live = new Map<string, IncidentState>();
  private top: BacktestGroup[] = [];

  private readonly tracker: SituationTracker;
  private readonly seen: string[] = [];

  constructor(
    readonly config: CorrelationConfig,
    rules: Awaited<ReturnType<typeof loadRules>>,
    private readonly topN: number,
    readonly situationConfig: SituationConfig,
  ) {
    let n = 0;
    this.engine = new CorrelationEngine({ config, rules, newId: () => `bt-${++n}`, keepArchive: false });
    this.tracker = new SituationTracker(situationConfig);
  }

  private finish(inc: IncidentState) {
    this.top.push({
      key: inc.key,
      title: inc.title,
      severity: inc.severity,
      alertCount: inc.alertCount,
      firstSeenAt: inc.firstSeenAt.toISOString(),
    });
    if (this.top.length > this.topN * 4) this.trim();
  }

  private trim() {
    this.top.sort((a, b) => b.alertCount - a.alertCount || a.firstSeenAt.localeCompare(b.firstSeenAt));
    this.top.length = Math.min(this.top.length, this.topN);
  }

  private absorb(ch: StateChanges) {
    this.incidents += ch.created.length;
    for (const inc of ch.created) this.seen.push(inc.id);
    for (const inc of [...ch.created, ...ch.updated]) {
      if (inc.status === 'RESOLVED') {
        this.live.delete(inc.id);
        this.finish(inc);
      } else this.live.set(inc.id, inc);
    }
  }

  batch(alerts: ReturnType<typeof toEngineAlert>[]) {
    for (const a of alerts) {
      const d = this.engine.decide(a);
      this.decisions[d.decision] += 1;
      const ch = this.engine.state.drain();
      this.absorb(ch);
      this.tracker.observe(a, d, ch);
    }
    const last = alerts.at(-1);
    if (last) this.engine.state.compact(last.occurredAt, stateHorizonMinutes(this.config));
  }

  result(): BacktestSide {
    for (const inc of this.live.values()) this.finish(inc);
    this.live.clear();
    this.trim();
    const decided = Object.values(this.decisions).reduce((s, n) => s + n, 0);
    const items = this.tracker.groups(this.seen).length;
    return {
      config: this.config,
      situationConfig: this.situationConfig,
      incidents: this.incidents,
      decisions: this.decisions,
      noiseReductionPct: decided > 0 ? Math.round((1 - this.incidents / decided) * 10_000) / 100 : null,
      situations: items,
      linkedSituations: this.tracker.situations.size,
      largestSituation: [...this.tracker.situations.values()].reduce(
        (m, x) => Math.max(m, x.incidentIds.length),
        0,
      ),
      noiseReductionBySituationsPct: decided > 0 ? Math.round((1 - items / decided) * 10_000) / 100 : null,
      largestGroups: this.top,
    };
  }
}

export async function backtest(opts: {
  sql: SqlRunner;
  companyId: string;
  from: Date;
  to: Date;
  candidate: Partial<CorrelationConfig>;
  /** Candidate situation settings (entities, window, hub share, maximum size and span…). */
  candidateSituations?: Partial<SituationConfig>;
  batchSize?: number;
  topN?: number;
  onProgress?: (p: BacktestProgress) => void;
  signal?: AbortSignal;
}): Promise<BacktestResult> {
  const started = Date.now();
  const { sql, companyId, from, to } = opts;
  const batchSize = opts.batchSize ?? 2000;
  const company = await loadCompanyConfig(sql, companyId);
  if (!company) throw new AppError('NOT_FOUND', 'company not found');
  const candidate = { ...company.config, ...opts.candidate };
  validateConfig(candidate);
  const candidateSituations = { ...company.situations, ...opts.candidateSituations };
  validateSituationConfig(candidateSituations);
  const rules = await loadRules(sql, companyId, from);
  const [countRow] = await sql(
    `SELECT count(*) AS n FROM "Alert"
      WHERE "companyId" = $1::uuid AND "receivedAt" >= $2::timestamp AND "receivedAt" < $3::timestamp`,
    [companyId, from.toISOString(), to.toISOString()],
  );
  const total = num(countRow?.n);
  const sides = [
    new Side(company.config, rules, opts.topN ?? 10, company.situations),
    new Side(candidate, rules, opts.topN ?? 10, candidateSituations),
  ];
  let last = '0';
  let processed = 0;
  opts.onProgress?.({ processed: 0, total, pct: total ? 0 : 100 });
  for (;;) {
    if (opts.signal?.aborted) throw new AppError('BAD_REQUEST', 'backtest cancelled');
    const rows = await sql(
      `SELECT ${ALERT_COLUMNS} FROM "Alert"
        WHERE "companyId" = $1::uuid AND "receivedAt" >= $2::timestamp AND "receivedAt" < $3::timestamp
          AND id > $4::bigint
        ORDER BY id LIMIT $5`,
      [companyId, from.toISOString(), to.toISOString(), last, batchSize],
    );
    if (!rows.length) break;
    const alerts = rows.map((r) => toEngineAlert({ ...r, id: BigInt(r.id as bigint) }));
    for (const s of sides) s.batch(alerts);
    last = alerts.at(-1)!.id.toString();
    processed += alerts.length;
    opts.onProgress?.({
      processed,
      total,
      pct: total ? Math.min(100, Math.round((processed / total) * 100)) : 100,
    });
    if (rows.length < batchSize) break;
  }
  return {
    companyId,
    period: { from: from.toISOString(), to: to.toISOString() },
    alerts: processed,
    current: sides[0]!.result(),
    candidate: sides[1]!.result(),
    durationMs: Date.now() - started,
  };
}
