// Applies the engine's decisions for one company in one transaction. Consistency across processes
// comes from the database: a transaction-scoped advisory lock per company serialises deciders, the
// open incidents are read FOR UPDATE, new incidents are inserted with ON CONFLICT on the unique
// (companyId, openKey) index, and alerts are only updated while still PENDING.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { correlationKey, ruleProblems } from '../engine/fields.ts';
import { advanceIncident, stateHorizonMinutes, type EngineContext } from '../engine/pipeline.ts';
import { CorrelationState, type StateChanges } from '../engine/state.ts';
import type {
  AlertDecisionOut,
  CorrelationConfig,
  IncidentState,
  InhibitionRuleDef,
} from '../engine/types.ts';
import {
  ALERT_COLUMNS,
  COMPANY_CONFIG_COLUMNS,
  COMPANY_CONFIG_FROM,
  INCIDENT_COLUMNS,
  STATE_COLUMNS,
  rulesColumns,
  toCompanyConfig,
  toRuleSet,
  type RulesRow,
  toEngineAlert,
  toFingerprintState,
  toIncidentState,
} from './rows.ts';
import {
  DEFAULT_BUDGET,
  DecisionFailure,
  decideWithinBudget,
  recordFailure,
  type DecisionBudget,
  type FailureRecord,
} from './budget.ts';
import { newSituationIncident, type SituationIncident } from '../engine/situations.ts';
import { toSitIncident } from './situation-links.ts';
import {
  closeFinishedSituations,
  planSituationLinks,
  TURN_WRITE_SQL,
  type ClosedSituation,
  type LinkInput,
  type SituationChange,
  type SituationWrites,
} from './situations.ts';
import { GENERIC_TURN_MAX, inTransaction, isoOrNull, openTurn, qp } from './sql.ts';
import type { TurnStages } from './turn-stages.ts';

export interface IncidentChangedEvent {
  type: 'incident.created' | 'incident.updated' | 'incident.resolved';
  mspId: string;
  companyId: string;
  incidentId: string;
  status: IncidentState['status'];
  severity: IncidentState['severity'];
  title: string;
  correlationKey: string;
  alertCount: number;
  firingCount: number;
  flapping: boolean;
  lastSeenAt: string;
  /** Set when the change put the incident into a situation or closed its situation. */
  situationId?: string | null;
  /** What the change did to that situation (the board folds and unfolds live on it). */
  situationChange?: SituationChangeKind;
}

/** A situation was created with this incident, the incident joined one, or its situation closed. */
export type SituationChangeKind = 'created' | 'joined' | 'updated' | 'closed';

export type OnIncidentChanged = (e: IncidentChangedEvent) => void | Promise<void>;

export interface ApplyResult {
  decided: number;
  decisions: AlertDecisionOut[];
  events: IncidentChangedEvent[];
  /** PENDING alerts of the batch left for the company's next turn (budget spent). */
  deferred: number;
  /** An alert whose decision failed this turn (attempt counted; FAILED at the limit). */
  failure: FailureRecord | null;
  /** Where the turn's time went (a turn that decided alerts and committed; absent otherwise). */
  stages?: TurnStages;
}

export { TURN_STAGES, type TurnStages } from './turn-stages.ts';

/** A situation linker run after the turn's write (the per-incident reference of the tests). */
export type LinkAfterWrite = (c: pg.PoolClient, p: LinkInput) => Promise<SituationChange[]>;

type Lap = (stage: keyof TurnStages) => void;
const noLap: Lap = () => {};

export interface CorrelateOptions extends Partial<DecisionBudget> {
  batchSize?: number;
  newId?: () => string;
  logger?: Pick<Console, 'warn'>;
  /**
   * A situation linker that runs after the turn's write and writes its own results (a test compares
   * the set-based linker, which decides before the write, with one query per incident).
   */
  linkSituations?: LinkAfterWrite;
}

const warned = new Set<string>();
function warnOnce(key: string): boolean {
  if (warned.has(key)) return false;
  if (warned.size > 10_000) warned.clear();
  warned.add(key);
  return true;
}

const NOTHING: ApplyResult = { decided: 0, decisions: [], events: [], deferred: 0, failure: null };

/** Raised when another writer created the same open key despite the lock (never expected); retried. */
export class OpenKeyConflict extends Error {}

const MIN = 60_000;

/**
 * The open incidents of the batch (by open key, and by id for alerts already linked), locked. The
 * ids are found first, checked against the company in a subquery the planner cannot merge
 * (OFFSET 0), and the rows read by primary key alone. The open-key lookup gives the company as a
 * one-time subquery (an InitPlan): the planner then estimates it at an average company, not at the
 * statistics' figure for this id. For a company whose history the statistics have not seen that
 * figure is a row or two, and the planner read the company's incidents through a company index
 * with the company alone as its condition, all of them on every turn
 * (fresh-database-plans.integration.test.ts).
 */
async function loadIncidentsForUpdate(
  c: pg.PoolClient,
  companyId: string,
  keys: string[],
  ids: string[],
  linkable: Map<string, SituationIncident>,
): Promise<IncidentState[]> {
  if (!keys.length && !ids.length) return [];
  const r = await qp<Record<string, unknown>>(
    c,
    `SELECT ${INCIDENT_COLUMNS}, "entityKeys", "situationId" FROM "Incident"
      WHERE id = ANY (ARRAY(
              SELECT c.id FROM (SELECT id, "companyId" FROM "Incident"
                                 WHERE id = ANY (ARRAY(SELECT id FROM "Incident" WHERE "companyId" = (SELECT $1::uuid) AND "openKey" = ANY($2::text[])
                                                       UNION ALL SELECT unnest($3::uuid[])))
                                OFFSET 0) AS c
               WHERE c."companyId" = $1))
        AND status <> 'RESOLVED'
      ORDER BY id FOR UPDATE`,
    [companyId, keys, ids],
  );
  for (const row of r.rows) linkable.set(row.id as string, toSitIncident(row));
  return r.rows.map(toIncidentState);
}

/**
 * The turn's incidents as the situation linker takes them, as the turn's writes leave them: the columns
 * aw_correlation_write sets (status, last seen) from the engine's state, the others (title, asset,
 * first seen, entity keys, situation) as read with the incidents, or as inserted for the new ones
 * (no keys, no situation yet). The linker then reads only incidents it does not find here.
 */
function linkableAfterWrite(
  state: CorrelationState,
  loaded: Map<string, SituationIncident>,
  created: IncidentState[],
): Map<string, SituationIncident> {
  const out = new Map<string, SituationIncident>();
  // The title as aw_correlation_write stores it.
  for (const inc of created)
    out.set(inc.id, { ...newSituationIncident(inc), title: inc.title.slice(0, 500) });
  for (const [id, was] of loaded) {
    const inc = state.incidents.get(id);
    if (!inc || out.has(id)) continue;
    out.set(id, { ...was, lastSeenAt: inc.lastSeenAt, open: inc.status !== 'RESOLVED' });
  }
  return out;
}

/**
 * Decides up to `batchSize` PENDING alerts of the company, in id order, within the decision
 * budget (budget.ts). A decision failure rolls the batch back and is recorded on the alert.
 */
export async function correlateCompany(
  pool: pg.Pool,
  companyId: string,
  opts: CorrelateOptions = {},
): Promise<ApplyResult> {
  // A whole number of at least 1: it is written into the batch read's text (applyBatch).
  const batchSize = Number.isFinite(opts.batchSize) ? Math.max(1, Math.floor(opts.batchSize!)) : 500;
  const budget: DecisionBudget = {
    budgetMs: opts.budgetMs ?? DEFAULT_BUDGET.budgetMs,
    alertLimitMs: opts.alertLimitMs ?? DEFAULT_BUDGET.alertLimitMs,
    maxAttempts: opts.maxAttempts ?? DEFAULT_BUDGET.maxAttempts,
    now: opts.now ?? DEFAULT_BUDGET.now,
    decide: opts.decide ?? DEFAULT_BUDGET.decide,
  };
  const logger = opts.logger ?? console;
  for (let attempt = 0; ; attempt++) {
    const stages: Partial<TurnStages> = {};
    let at = performance.now();
    const lap: Lap = (stage) => {
      const now = performance.now();
      stages[stage] = (now - at) / 1000;
      at = now;
    };
    try {
      const r = await inTransaction(pool, (c) =>
        applyBatch(
          c,
          companyId,
          batchSize,
          opts.newId ?? randomUUID,
          budget,
          logger,
          opts.linkSituations,
          lap,
        ),
      );
      if (r.decided === 0) return r;
      lap('commit');
      return { ...r, stages: stages as TurnStages };
    } catch (e) {
      if (e instanceof OpenKeyConflict && attempt < 3) continue;
      if (e instanceof DecisionFailure) {
        const failure = (await recordFailure(pool, companyId, e, budget.maxAttempts)) ?? {
          alertId: e.alertId,
          attempts: 0,
          failed: false,
          reason: `${e.reason} (no longer pending)`,
        };
        logger.warn(
          `[correlation] company ${companyId} alert ${e.alertId}: ${e.reason}` +
            ` (attempt ${failure.attempts}/${budget.maxAttempts}${failure.failed ? ', marked FAILED' : ''})`,
        );
        return { ...NOTHING, failure };
      }
      throw e;
    }
  }
}

const batchReads = new Map<number, string>();

/**
 * The turn's batch (the company's first `batchSize` PENDING alerts, in id order) and its rules in
 * one round trip: the first row also carries the rules that can apply from the batch's earliest
 * alert (rows.ts, rulesColumns), and the statement puts the rest of the turn's statements on their
 * generic plans when the batch has at most GENERIC_TURN_MAX alerts, on PostgreSQL's default
 * otherwise (`plan_cache_mode`: sql.ts). The batch read and the rules read were two round trips.
 * The LIMIT is part of the statement's text (a worker has one batch size), so its generic plan is
 * sized for it: as a parameter it kept PostgreSQL planning a custom plan on every turn, and planning
 * this read of the partitioned table cost more than running it.
 */
function batchRead(batchSize: number): string {
  let text = batchReads.get(batchSize);
  if (!text) {
    text = `WITH b AS MATERIALIZED (
               SELECT ${ALERT_COLUMNS} FROM "Alert" WHERE "companyId" = $1 AND decision = 'PENDING' ORDER BY id LIMIT ${batchSize}
             ),
             m AS (SELECT min("occurredAt") AS t, min(id) AS first, count(*) AS n FROM b),
             r AS (SELECT m.first, ${rulesColumns('$1::uuid', 'm.t')},
                          set_config('plan_cache_mode',
                                     CASE WHEN m.n <= ${GENERIC_TURN_MAX} THEN 'force_generic_plan' ELSE 'auto' END,
                                     true) AS pm
                     FROM m WHERE m.n > 0)
           SELECT b.*, r.mw, r.si, r.ir FROM b LEFT JOIN r ON r.first = b.id ORDER BY b.id`;
    batchReads.set(batchSize, text);
  }
  return text;
}

async function applyBatch(
  c: pg.PoolClient,
  companyId: string,
  batchSize: number,
  newId: () => string,
  budget: DecisionBudget,
  logger: Pick<Console, 'warn'>,
  linkAfter: LinkAfterWrite | undefined = undefined,
  lap: Lap = noLap,
): Promise<ApplyResult> {
  // The batch read (with the rules) runs on its generic plan whatever the turn's size (openTurn).
  const opened = await openTurn(c, companyId, COMPANY_CONFIG_COLUMNS, COMPANY_CONFIG_FROM, {
    genericPlans: true,
  });
  if (!opened) return NOTHING;
  lap('open');
  const company = toCompanyConfig(opened);
  const rows = await qp<Record<string, unknown> & RulesRow>(c, batchRead(batchSize), [companyId]);
  if (!rows.rows.length) return NOTHING;
  lap('read');
  const alerts = rows.rows.map(toEngineAlert);
  const { config } = company;
  const minT = new Date(Math.min(...alerts.map((a) => a.occurredAt.getTime())));
  // The first row carries the rules (batchRead).
  const rules = toRuleSet(rows.rows[0]);
  const loaded = new Map<string, SituationIncident>();
  const state = await loadState(c, companyId, config, alerts, minT, rules.inhibitionRules, loaded);
  lap('state');

  const ctx: EngineContext = { config, rules, newId };
  let decisions = decideWithinBudget(state, alerts, ctx, budget);
  const ignored = ruleProblems(rules);
  if (ignored.length) {
    // Stored before save-time RE2 validation: such a rule matches nothing; say so (once per rule
    // and process in the log, on every decision record), never fail.
    const fresh = ignored.filter((p) => warnOnce(`${companyId}/${p.id}/${p.field}/${p.reason}`));
    if (fresh.length)
      logger.warn(
        `[correlation] company ${companyId}: ${fresh.map((p) => `${p.kind} ${p.id} ${p.field}: ${p.reason}`).join('; ')}` +
          ' (the rule matches no alert)',
      );
    decisions = decisions.map((d) => ({ ...d, reason: { ...d.reason, ignoredRules: ignored } }));
  }
  const changes = state.drain();
  lap('decide');
  const linking: LinkInput = {
    mspId: company.mspId,
    companyId,
    config: company.situations,
    alerts,
    decisions,
    newId,
  };
  let sits: SituationChange[];
  if (linkAfter) {
    await writeTurn(c, company.mspId, companyId, changes, decisions, alerts);
    lap('write');
    sits = await linkAfter(c, linking);
    lap('link');
  } else {
    // The linker decides first, on the turn's incidents as its writes will leave them, and its
    // writes go with the turn's: one round trip, one row version per incident.
    const plan = await planSituationLinks(c, {
      ...linking,
      known: linkableAfterWrite(state, loaded, changes.created),
      created: changes.created,
    });
    sits = plan.changes;
    lap('link');
    await writeTurn(c, company.mspId, companyId, changes, decisions, alerts, plan.writes);
    lap('write');
  }
  const closed = await closeFinishedSituations(c, resolvedOf(changes));
  lap('close');
  return {
    decided: decisions.length,
    decisions,
    events: withSituations(changeEvents(company.mspId, companyId, changes), sits, closed),
    deferred: alerts.length - decisions.length,
    failure: null,
  };
}

const COLUMN_FIELDS = new Map<string, string>([
  ['asset', 's.asset'],
  ['signature', 's.signature'],
  ['service', 's.service'],
  ['source', 's.source::text'],
  ['severity', 's.severity::text'],
]);

/**
 * Narrows the inhibition sources loaded from AlertState: when every enabled rule has an equality
 * source matcher on a column (e.g. signature = host_down), only rows meeting one of them can
 * inhibit. Otherwise every firing row is loaded (the engine applies the full matchers either way).
 */
export function sourcePrefilter(
  rules: InhibitionRuleDef[],
  firstParam: number,
): { sql: string; values: string[] } | null {
  const parts: string[] = [];
  const values: string[] = [];
  for (const r of rules) {
    const m = r.sourceMatchers.find((x) => x.op === '=' && COLUMN_FIELDS.has(x.field));
    if (!m) return null;
    values.push(m.value);
    parts.push(`${COLUMN_FIELDS.get(m.field)} = $${firstParam + values.length - 1}`);
  }
  return parts.length ? { sql: parts.join(' OR '), values } : null;
}

async function loadState(
  c: pg.PoolClient,
  companyId: string,
  config: CorrelationConfig,
  alerts: ReturnType<typeof toEngineAlert>[],
  minT: Date,
  rules: InhibitionRuleDef[],
  loaded: Map<string, SituationIncident>,
): Promise<CorrelationState> {
  const state = new CorrelationState();
  const fps = [...new Set(alerts.map((a) => a.fingerprint))];
  const keys = [...new Set(alerts.map((a) => correlationKey(config.aggregationKey, a)))];
  // The states of the batch's fingerprints and, when the company has inhibition rules, the firing
  // states that can inhibit (within the state horizon, or still on an open incident): one round trip.
  const pre = rules.length ? sourcePrefilter(rules, 4) : null;
  const st = await qp<Record<string, unknown> & { src: number }>(
    c,
    `SELECT 0 AS src, ${STATE_COLUMNS} FROM "AlertState" WHERE "companyId" = $1 AND fingerprint = ANY($2::text[])${
      rules.length
        ? `
      UNION ALL
      SELECT 1, ${STATE_COLUMNS} FROM "AlertState" s
        WHERE s."companyId" = $1 AND s.status = 'FIRING' ${pre ? `AND (${pre.sql})` : ''}
          AND (s."lastSeenAt" >= $3::timestamp OR s."incidentId" IN (
               SELECT id FROM "Incident" WHERE "companyId" = $1 AND status <> 'RESOLVED'))`
        : ''
    }`,
    rules.length
      ? [
          companyId,
          fps,
          new Date(minT.getTime() - stateHorizonMinutes(config) * MIN).toISOString(),
          ...(pre?.values ?? []),
        ]
      : [companyId, fps],
  );
  for (const r of st.rows) if (r.src === 0) state.putFingerprint(toFingerprintState(r));
  for (const r of st.rows)
    if (r.src === 1 && !state.fingerprints.has(r.fingerprint as string))
      state.putFingerprint(toFingerprintState(r));
  const ids = [
    ...new Set([...state.fingerprints.values()].map((f) => f.incidentId).filter((x): x is string => !!x)),
  ];
  for (const inc of await loadIncidentsForUpdate(c, companyId, keys, ids, loaded)) state.putIncident(inc);

  if (config.minAlertsToOpen > 1) {
    // Held groups: CORRELATED alerts without an incident, latest group start per key.
    const held = await qp<Record<string, unknown>>(
      c,
      `SELECT id, fingerprint, "correlationKey" AS key, "decisionReason"->>'groupStart' AS gs FROM "Alert"
        WHERE "companyId" = $1 AND decision = 'CORRELATED' AND "incidentId" IS NULL
          AND "correlationKey" = ANY($2::text[]) AND "occurredAt" >= $3::timestamp ORDER BY id`,
      [companyId, keys, new Date(minT.getTime() - config.windowMinutes * MIN).toISOString()],
    );
    for (const r of held.rows) {
      if (typeof r.gs !== 'string') continue;
      const start = new Date(r.gs);
      const key = r.key as string;
      const g = state.held.get(key);
      if (!g || g.windowStart < start)
        state.held.set(key, { key, windowStart: start, alertIds: [], fingerprints: [] });
      const cur = state.held.get(key)!;
      if (cur.windowStart.getTime() === start.getTime()) {
        cur.alertIds.push(r.id as bigint);
        cur.fingerprints.push(r.fingerprint as string);
      }
    }
    // The states of the held alerts' fingerprints: the alert that reaches the minimum counts those
    // still firing into its new incident and claims them. A group held in an earlier turn has
    // fingerprints this batch does not carry (without them the incident opened with a firing count
    // of one, and the held fingerprints kept no incident).
    const heldFps = [...new Set([...state.held.values()].flatMap((g) => g.fingerprints))].filter(
      (f) => !state.fingerprints.has(f),
    );
    if (heldFps.length) {
      const more = await qp<Record<string, unknown>>(
        c,
        `SELECT ${STATE_COLUMNS} FROM "AlertState" WHERE "companyId" = $1 AND fingerprint = ANY($2::text[])`,
        [companyId, heldFps],
      );
      for (const r of more.rows) state.putFingerprint(toFingerprintState(r));
    }
  }
  return state;
}

/** An incident as aw_correlation_write reads it (the columns both its incident statements set). */
function incidentRow(i: IncidentState) {
  return {
    id: i.id,
    key: i.key,
    open: i.status === 'RESOLVED' ? null : i.key,
    status: i.status,
    sev: i.severity,
    ac: i.alertCount,
    fc: i.firingCount,
    we: i.windowEnd.toISOString(),
    ls: i.lastSeenAt.toISOString(),
    fl: i.flapping,
    tr: i.transitions,
    qs: isoOrNull(i.quietSince),
    lt: isoOrNull(i.lastTransitionAt),
    ra: isoOrNull(i.resolvedAt),
    res: i.resolution,
    note: i.resolutionNote,
    eu: isoOrNull(i.eventsUntil),
    st: i.stale,
  };
}

/** SQLSTATE raised by aw_correlation_write when an open key of a new incident is taken. */
const OPEN_KEY_TAKEN = 'AW409';

/**
 * The turn's writes in one round trip: aw_correlation_write (migration
 * 20261130010000_correlation_write_function) runs, in this order, the update of the existing
 * incidents (one that resolved frees its open key for a new one of this batch), the insert of the
 * new ones, the alert states, the incident events, the held alerts linked to their new incident and
 * the decisions (none from a tick). Everything travels as one JSON document: JSON.stringify instead
 * of pg's escaping of some 40 arrays. With the situation linker's writes (`links`), aw_turn_write
 * (migration 20261203150000_turn_write_links_before) runs them around it in the same round trip: the
 * new situations first, the turn's incidents with their new keys and situation in the rows written
 * above, then the other incidents' keys and situation, the links and the situations' counts.
 */
async function writeTurn(
  c: pg.PoolClient,
  mspId: string,
  companyId: string,
  ch: StateChanges,
  d: AlertDecisionOut[] = [],
  alerts: { id: bigint; occurredAt: Date }[] = [],
  links: SituationWrites | null = null,
): Promise<void> {
  // Decisions name the company and the whole primary key (id, occurredAt): the planner probes each
  // row in the PENDING index of its month's partition by (companyId, id). With the id alone it
  // walked that partial index from its start for every row (auto_explain: 7-18 µs per row against
  // 3 µs, growing with the backlog).
  const at = new Map(alerts.map((a) => [a.id, a.occurredAt]));
  // A held alert linked twice keeps its first incident, as one UPDATE per link did.
  const linked = new Map<bigint, string>();
  for (const l of ch.links) for (const id of l.alertIds) if (!linked.has(id)) linked.set(id, l.incidentId);
  // The keys and situation the linker gave an incident the turn writes go in its row.
  const fromLinker = (id: string) => (links ? links.take(id) : {});
  const doc = {
    updated: ch.updated.map((i) => ({ ...incidentRow(i), ...fromLinker(i.id) })),
    created: ch.created.map((i) => ({
      ...incidentRow(i),
      ...fromLinker(i.id),
      title: i.title.slice(0, 500),
      asset: i.asset,
      signature: i.signature,
      source: i.source,
      mode: i.windowMode,
      ws: i.windowStart.toISOString(),
      fs: i.firstSeenAt.toISOString(),
    })),
    fingerprints: ch.fingerprints.map((x) => ({
      fp: x.fingerprint,
      status: x.status,
      source: x.source,
      asset: x.asset,
      signature: x.signature,
      service: x.service,
      severity: x.severity,
      labels: x.labels,
      last: x.lastAlertId.toString(),
      seen: x.lastSeenAt.toISOString(),
      inc: x.incidentId,
      tr: x.transitions.map((t) => t.toISOString()),
      kind: x.kind ?? null,
    })),
    events: ch.events.map((x) => ({
      inc: x.incidentId,
      type: x.type,
      msg: x.message,
      data: x.data,
      at: x.at.toISOString(),
    })),
    links: [...linked].map(([id, inc]) => ({ inc, id: id.toString() })),
    decisions: d.map((x) => ({
      id: x.alertId.toString(),
      at: at.get(x.alertId)!.toISOString(),
      decision: x.decision,
      key: x.correlationKey,
      inc: x.incidentId,
      reason: x.reason,
    })),
  };
  if (Object.values(doc).every((rows) => rows.length === 0) && !links) return;
  try {
    if (links) await qp(c, TURN_WRITE_SQL, [mspId, companyId, JSON.stringify(doc), ...links.args()]);
    else
      await qp(c, `SELECT aw_correlation_write($1::uuid, $2::uuid, $3::jsonb)`, [
        mspId,
        companyId,
        JSON.stringify(doc),
      ]);
  } catch (e) {
    // Exactly once: the batch was read under the company lock, so every alert must still be PENDING
    // and every open key free; the function raises otherwise and the transaction rolls back.
    if ((e as { code?: string }).code === OPEN_KEY_TAKEN)
      throw new OpenKeyConflict('an open incident for one of these keys already exists');
    throw e;
  }
}

const resolvedOf = (ch: StateChanges) =>
  [...ch.created, ...ch.updated].filter((i) => i.status === 'RESOLVED');

/** Marks the events of incidents that joined a situation (the board folds them live). */
export function withSituations(
  events: IncidentChangedEvent[],
  sits: SituationChange[],
  closed: ClosedSituation[] = [],
): IncidentChangedEvent[] {
  const of = new Map<string, { situationId: string; situationChange: SituationChangeKind }>();
  for (const s of sits)
    for (const id of s.incidentIds)
      of.set(id, { situationId: s.situationId, situationChange: s.created ? 'created' : 'joined' });
  for (const s of closed)
    for (const id of s.incidentIds) of.set(id, { situationId: s.situationId, situationChange: 'closed' });
  // The partner incident of a new situation has no event of its own here; the situation event
  // (realtime `situation.changed`) makes the board refetch, so the fold shows both.
  return events.map((e) => {
    const s = of.get(e.incidentId);
    return s ? { ...e, ...s } : e;
  });
}

function changeEvents(mspId: string, companyId: string, ch: StateChanges): IncidentChangedEvent[] {
  const ev = (inc: IncidentState, created: boolean): IncidentChangedEvent => ({
    type: inc.status === 'RESOLVED' ? 'incident.resolved' : created ? 'incident.created' : 'incident.updated',
    mspId,
    companyId,
    incidentId: inc.id,
    status: inc.status,
    severity: inc.severity,
    title: inc.title,
    correlationKey: inc.key,
    alertCount: inc.alertCount,
    firingCount: inc.firingCount,
    flapping: inc.flapping,
    lastSeenAt: inc.lastSeenAt.toISOString(),
  });
  return [...ch.created.map((i) => ev(i, true)), ...ch.updated.map((i) => ev(i, false))];
}

/**
 * Time-based transitions for one company at `now`: the end of flapping, auto-resolve after the
 * quiet period, auto-close. The recorded times are the deadlines themselves, so a replay that
 * applies them lazily reaches the same incidents.
 */
export async function tickCompany(
  pool: pg.Pool,
  companyId: string,
  now: Date,
): Promise<IncidentChangedEvent[]> {
  return inTransaction(pool, async (c) => {
    const opened = await openTurn(c, companyId, COMPANY_CONFIG_COLUMNS, COMPANY_CONFIG_FROM);
    if (!opened) return [];
    const company = toCompanyConfig(opened);
    const { config } = company;
    const r = await qp<Record<string, unknown>>(
      c,
      `SELECT ${INCIDENT_COLUMNS} FROM "Incident"
        WHERE "companyId" = $1 AND status <> 'RESOLVED' AND ("firingCount" = 0 OR flapping OR $2 OR NOT stale)
        ORDER BY id FOR UPDATE`,
      [companyId, config.autoCloseAfterMinutes !== null && config.autoCloseAfterMinutes > 0],
    );
    if (!r.rows.length) return [];
    const state = new CorrelationState();
    for (const row of r.rows) state.putIncident(toIncidentState(row));
    for (const inc of state.incidents.values()) advanceIncident(state, inc, now, config);
    const ch = state.drain();
    await writeTurn(c, company.mspId, companyId, ch);
    const closed = await closeFinishedSituations(c, resolvedOf(ch));
    return withSituations(changeEvents(company.mspId, companyId, ch), [], closed);
  });
}
