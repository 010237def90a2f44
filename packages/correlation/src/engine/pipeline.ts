// The pipeline, in the spirit of Alertmanager's: dedup → resolve → suppress → inhibit → group →
// incident. Every stage has one contract: it reads the alert and the state and either decides
// (returns the decision, with its explanation) or passes the alert on (returns undefined). The
// last stage always decides, so every alert is decided exactly once.
//
// Time is the alert's occurredAt; the wall clock never enters a decision, so replaying the same
// stream in the same order gives the same incidents. Deadlines (auto-resolve after the quiet
// period, auto-close, end of flapping) are applied lazily at the time of the next alert that
// reads the incident, or by `tick(now)`; either way the recorded time is the deadline itself.
import { allMatch, correlationKey, fieldValue } from './fields.ts';
import { maintenanceActive } from './schedule.ts';
import type { CorrelationState } from './state.ts';
import {
  eventTtl,
  kindOf,
  maxSeverity,
  type AlertDecisionOut,
  type CorrelationConfig,
  type DecisionReason,
  type EngineAlert,
  type FingerprintState,
  type IncidentState,
  type RuleSet,
  type WindowInfo,
} from './types.ts';

export interface EngineContext {
  config: CorrelationConfig;
  rules: RuleSet;
  /** Id for a new incident (uuid in production, a counter in tests). */
  newId: () => string;
}

export interface StageInput {
  alert: EngineAlert;
  t: Date;
  state: CorrelationState;
  ctx: EngineContext;
  /** Set by the group stage. */
  key: string | null;
}

export interface Stage {
  name: DecisionReason['stage'] | 'group';
  run(input: StageInput): AlertDecisionOut | undefined;
}

const MIN = 60_000;
const addMin = (d: Date, m: number) => new Date(d.getTime() + m * MIN);
const iso = (d: Date) => d.toISOString();

/** How long an identity's state matters once nothing refers to it. */
export function stateHorizonMinutes(c: CorrelationConfig): number {
  return Math.max(
    c.autoCloseAfterMinutes ?? 0,
    c.maxSpanMinutes,
    c.flapWindowMinutes,
    c.windowMinutes,
    eventTtl(c),
  );
}

function windowInfo(inc: IncidentState): WindowInfo {
  return { mode: inc.windowMode, start: iso(inc.windowStart), end: iso(inc.windowEnd) };
}

/** The identity's state unless it is stale (older than the horizon and in no open incident). */
export function liveFingerprint(input: StageInput): FingerprintState | undefined {
  const fp = input.state.fingerprints.get(input.alert.fingerprint);
  if (!fp) return undefined;
  if (input.state.isOpen(fp.incidentId)) return fp;
  const horizon = input.t.getTime() - stateHorizonMinutes(input.ctx.config) * MIN;
  return fp.lastSeenAt.getTime() < horizon ? undefined : fp;
}

// ───────────── incident lifecycle helpers ─────────────

export function resolveIncident(
  state: CorrelationState,
  inc: IncidentState,
  at: Date,
  kind: 'AUTO' | 'MANUAL' | 'RUNBOOK',
  note: string,
  rule: string,
): void {
  inc.status = 'RESOLVED';
  inc.resolvedAt = at;
  inc.resolution = kind;
  inc.resolutionNote = note;
  state.markResolved(inc);
  state.event({ incidentId: inc.id, type: 'resolved', at, message: note, data: { rule, resolution: kind } });
}

export type ResolutionRule = 'auto-resolve' | 'auto-close' | 'event-ttl' | 'max-span';

/** Whether event identities still hold the incident open at `t`. */
export function heldByEvents(inc: IncidentState, t: Date): boolean {
  return inc.eventsUntil !== null && inc.eventsUntil.getTime() > t.getTime();
}

/** The next automatic resolution of an open incident, ignoring flapping. */
export function dueResolution(
  inc: IncidentState,
  c: CorrelationConfig,
): { at: Date; rule: ResolutionRule; note: string } | null {
  if (inc.status === 'RESOLVED') return null;
  let best: { at: Date; rule: ResolutionRule; note: string } | null = null;
  const quiet = c.autoResolveQuietMinutes > 0 ? ` and stayed quiet for ${c.autoResolveQuietMinutes} min` : '';
  if (inc.firingCount === 0 && inc.eventsUntil && (!inc.quietSince || inc.eventsUntil >= inc.quietSince)) {
    // Nothing stateful is firing: the incident ends when its events' firing TTL runs out, or at
    // the maximum span if they keep repeating.
    best = {
      at: addMin(inc.eventsUntil, c.autoResolveQuietMinutes),
      rule: 'event-ttl',
      note: `No event repeated within the firing TTL (${eventTtl(c)} min)${quiet}`,
    };
    const spanEnd = addMin(inc.firstSeenAt, c.maxSpanMinutes);
    if (spanEnd < best.at)
      best = {
        at: spanEnd,
        rule: 'max-span',
        note: `Reached the maximum span (${c.maxSpanMinutes} min) while its events kept repeating; a later event opens a new incident`,
      };
  } else if (inc.firingCount === 0 && inc.quietSince) {
    best = {
      at: addMin(inc.quietSince, c.autoResolveQuietMinutes),
      rule: 'auto-resolve',
      note: quiet ? `All alerts resolved${quiet}` : 'All alerts resolved',
    };
  }
  if (c.autoCloseAfterMinutes !== null && c.autoCloseAfterMinutes > 0) {
    const at = addMin(inc.lastSeenAt, c.autoCloseAfterMinutes);
    if (!best || at < best.at)
      best = { at, rule: 'auto-close', note: `No alert for ${c.autoCloseAfterMinutes} min (auto-close)` };
  }
  return best;
}

/** Applies every deadline of `inc` that falls at or before `t`. */
export function advanceIncident(
  state: CorrelationState,
  inc: IncidentState,
  t: Date,
  c: CorrelationConfig,
): void {
  if (inc.status === 'RESOLVED') return;
  let flapEnd: Date | null = null;
  if (inc.flapping && inc.lastTransitionAt) {
    const end = addMin(inc.lastTransitionAt, c.flapWindowMinutes);
    if (end.getTime() > t.getTime()) return markStale(state, inc, t.getTime() + 1, c); // still flapping: held open
    inc.flapping = false;
    flapEnd = end;
    state.touch(inc);
    state.event({
      incidentId: inc.id,
      type: 'flapping_cleared',
      at: end,
      message: `No transition for ${c.flapWindowMinutes} min`,
      data: {},
    });
  }
  const due = dueResolution(inc, c);
  const at = due && flapEnd && flapEnd > due.at ? flapEnd : due?.at;
  if (due && at && at.getTime() <= t.getTime()) {
    // Stale only if that came strictly before the resolution.
    markStale(state, inc, at.getTime(), c);
    resolveIncident(state, inc, at, 'AUTO', due.note, due.rule);
  } else markStale(state, inc, t.getTime() + 1, c);
}

/** A firing stateful alert with no update for the stale time (reached before `beforeMs`): marked, never resolved. */
function markStale(
  state: CorrelationState,
  inc: IncidentState,
  beforeMs: number,
  c: CorrelationConfig,
): void {
  if (inc.stale || inc.firingCount === 0 || c.staleAfterMinutes <= 0) return;
  const at = addMin(inc.lastSeenAt, c.staleAfterMinutes);
  if (at.getTime() >= beforeMs) return;
  inc.stale = true;
  state.touch(inc);
  state.event({
    incidentId: inc.id,
    type: 'stale',
    at,
    message: `No update from its ${inc.firingCount} firing alert(s) for ${c.staleAfterMinutes} min: marked stale (not resolved; the sender never reported an end)`,
    data: { rule: 'stale', staleAfterMinutes: c.staleAfterMinutes },
  });
}

/** Records the alert on its identity; returns whether its status changed (a transition). */
function recordFingerprint(
  input: StageInput,
  incidentId: string | null,
): FingerprintState & { changed: boolean } {
  const { alert: a, t, ctx } = input;
  const prev = liveFingerprint(input);
  const since = t.getTime() - ctx.config.flapWindowMinutes * MIN;
  const transitions = (prev?.transitions ?? []).filter((x) => x.getTime() > since);
  const changed = prev !== undefined && prev.status !== a.status;
  if (changed) transitions.push(t);
  const next: FingerprintState = {
    fingerprint: a.fingerprint,
    status: a.status,
    source: a.source,
    asset: a.asset,
    signature: a.signature,
    service: a.service,
    severity: a.severity,
    labels: a.labels,
    lastAlertId: a.id,
    lastSeenAt: t,
    incidentId,
    transitions,
    kind: kindOf(a, ctx.config),
  };
  input.state.putFingerprint(next, true);
  return { ...next, changed };
}

function noteTransition(input: StageInput, inc: IncidentState, fp: FingerprintState): void {
  const { t, ctx, state } = input;
  inc.transitions += 1;
  inc.lastTransitionAt = t;
  if (!inc.flapping && fp.transitions.length >= ctx.config.flapThreshold) {
    inc.flapping = true;
    state.event({
      incidentId: inc.id,
      type: 'flapping',
      at: t,
      message: `${fp.transitions.length} firing/resolved transitions within ${ctx.config.flapWindowMinutes} min: held open`,
      data: { fingerprint: fp.fingerprint },
    });
  }
}

function absorb(input: StageInput, inc: IncidentState): void {
  const { alert: a, t, state, ctx } = input;
  inc.alertCount += 1;
  inc.severity = maxSeverity(inc.severity, a.severity);
  if (t > inc.lastSeenAt) inc.lastSeenAt = t;
  if (a.status === 'FIRING' && kindOf(a, ctx.config) === 'EVENT') {
    const until = addMin(t, eventTtl(ctx.config));
    if (!inc.eventsUntil || until > inc.eventsUntil) inc.eventsUntil = until;
  }
  if (inc.stale) {
    inc.stale = false;
    state.event({
      incidentId: inc.id,
      type: 'stale_cleared',
      at: t,
      message: `Alert ${a.id} arrived`,
      data: {},
    });
  }
}

/** An event identity past its firing TTL, or an incident past its maximum span, is a new occurrence. */
function eventExpired(input: StageInput, fp: FingerprintState, inc: IncidentState): boolean {
  const { t, ctx } = input;
  const c = ctx.config;
  if (kindOf(input.alert, c) !== 'EVENT') return false;
  return (
    t.getTime() >= addMin(fp.lastSeenAt, eventTtl(c)).getTime() ||
    t.getTime() >= addMin(inc.firstSeenAt, c.maxSpanMinutes).getTime()
  );
}

// ───────────── stages ─────────────

/** A repeat of an identity that is already firing in an open incident (or a repeated resolve). */
export const dedupStage: Stage = {
  name: 'dedup',
  run(input) {
    const { alert: a, t, state, ctx } = input;
    const prev = state.fingerprints.get(a.fingerprint);
    if (prev?.incidentId) {
      const inc = state.incidents.get(prev.incidentId);
      if (inc) advanceIncident(state, inc, t, ctx.config);
    }
    const fp = liveFingerprint(input);
    if (!fp || fp.status !== a.status) return undefined;
    const inc = state.isOpen(fp.incidentId);
    if (a.status === 'FIRING' && !inc) return undefined;
    if (a.status === 'FIRING' && inc && eventExpired(input, fp, inc)) return undefined;
    if (inc) {
      absorb(input, inc);
      if (inc.windowMode === 'ROLLING' && t < inc.windowEnd) extendRolling(inc, t, ctx.config);
      state.touch(inc);
    }
    recordFingerprint(input, fp.incidentId);
    return {
      alertId: a.id,
      decision: 'DEDUPLICATED',
      correlationKey: inc?.key ?? null,
      incidentId: inc?.id ?? null,
      reason: {
        stage: 'dedup',
        rule: a.status === 'FIRING' ? 'fingerprint-firing' : 'repeated-resolve',
        explanation:
          a.status === 'FIRING'
            ? `Repeat of alert ${fp.lastAlertId} (same fingerprint), still firing in the open incident`
            : `Repeat of a resolve already recorded (alert ${fp.lastAlertId})`,
        key: inc?.key ?? null,
        incidentId: inc?.id ?? null,
        window: inc ? windowInfo(inc) : null,
        sourceAlertId: String(fp.lastAlertId),
      },
    };
  },
};

/** A resolved alert never opens or joins an incident: it only updates the identity and its incident. */
export const resolveStage: Stage = {
  name: 'resolve',
  run(input) {
    const { alert: a, t, state, ctx } = input;
    if (a.status !== 'RESOLVED') return undefined;
    if (kindOf(a, ctx.config) === 'EVENT') {
      recordFingerprint(input, null);
      return {
        alertId: a.id,
        decision: 'RESOLVED_SIGNAL',
        correlationKey: null,
        incidentId: null,
        reason: {
          stage: 'resolve',
          rule: 'event-resolve-recorded',
          explanation:
            'An event-kind alert has no end: its incident closes when the firing TTL runs out; the resolve is recorded only',
          key: null,
          incidentId: null,
          window: null,
        },
      };
    }
    const prev = liveFingerprint(input);
    const inc = state.isOpen(prev?.incidentId ?? null);
    const fp = recordFingerprint(input, inc ? inc.id : null);
    if (inc && prev?.status === 'FIRING') {
      absorb(input, inc);
      inc.firingCount = Math.max(0, inc.firingCount - 1);
      if (inc.firingCount === 0) inc.quietSince = t;
      if (fp.changed) noteTransition(input, inc, fp);
      state.touch(inc);
      advanceIncident(state, inc, t, ctx.config);
    }
    return {
      alertId: a.id,
      decision: 'RESOLVED_SIGNAL',
      correlationKey: inc?.key ?? null,
      incidentId: inc?.id ?? null,
      reason: {
        stage: 'resolve',
        rule: inc ? 'resolved-signal' : 'resolved-without-open-incident',
        explanation: inc
          ? `Resolves its alert in the incident (${inc.firingCount} still firing)` +
            (inc.status === 'RESOLVED'
              ? '; the incident auto-resolved'
              : inc.flapping
                ? '; held open: flapping'
                : '')
          : 'Resolved signal with no firing alert in an open incident: recorded only',
        key: inc?.key ?? null,
        incidentId: inc?.id ?? null,
        window: inc ? windowInfo(inc) : null,
      },
    };
  },
};

/** Maintenance windows first, then silences. */
export const suppressStage: Stage = {
  name: 'suppress',
  run(input) {
    const { alert: a, t, ctx } = input;
    for (const w of ctx.rules.maintenanceWindows) {
      if (maintenanceActive(w, t) && allMatch(a, w.matchers)) {
        recordFingerprint(input, null);
        return verdict(a, 'SUPPRESSED', {
          stage: 'suppress',
          rule: 'maintenance',
          ruleId: w.id,
          ruleName: w.name,
          explanation: `In maintenance window "${w.name}"${w.recurrence ? ` (${w.recurrence.kind})` : ''}`,
        });
      }
    }
    for (const s of ctx.rules.silences) {
      if (t >= s.startsAt && t < s.endsAt && allMatch(a, s.matchers)) {
        recordFingerprint(input, null);
        return verdict(a, 'SUPPRESSED', {
          stage: 'suppress',
          rule: 'silence',
          ruleId: s.id,
          ruleName: s.comment,
          explanation: `Silenced until ${iso(s.endsAt)}${s.comment ? `: ${s.comment}` : ''}`,
        });
      }
    }
    return undefined;
  },
};

/**
 * Alertmanager semantics: the alert is muted when it matches a rule's target matchers while a
 * firing alert (another identity) matches the source matchers and has equal values for every
 * `equal` field. An alert that matches both sides is not inhibited by sources that also match
 * the target side.
 */
export const inhibitStage: Stage = {
  name: 'inhibit',
  run(input) {
    const { alert: a, t, state, ctx } = input;
    const rules = ctx.rules.inhibitionRules.filter((r) => r.enabled && allMatch(a, r.targetMatchers));
    if (!rules.length) return undefined;
    const horizon = t.getTime() - stateHorizonMinutes(ctx.config) * MIN;
    for (const r of rules) {
      const twoSided = allMatch(a, r.sourceMatchers);
      for (const s of state.fingerprints.values()) {
        if (s.fingerprint === a.fingerprint || s.status !== 'FIRING') continue;
        if (s.lastSeenAt.getTime() < horizon && !state.isOpen(s.incidentId)) continue;
        if (!allMatch(s, r.sourceMatchers)) continue;
        if (twoSided && allMatch(s, r.targetMatchers)) continue;
        if (!r.equal.every((f) => fieldValue(s, f) === fieldValue(a, f))) continue;
        recordFingerprint(input, null);
        return verdict(a, 'INHIBITED', {
          stage: 'inhibit',
          rule: 'inhibition',
          ruleId: r.id,
          ruleName: r.name,
          sourceFingerprint: s.fingerprint,
          sourceAlertId: String(s.lastAlertId),
          explanation:
            `Inhibited by rule "${r.name}": ${s.signature} is firing on ${s.asset}` +
            (r.equal.length ? ` (equal: ${r.equal.join(', ')})` : ''),
        });
      }
    }
    return undefined;
  },
};

export const groupStage: Stage = {
  name: 'group',
  run(input) {
    input.key = correlationKey(input.ctx.config.aggregationKey, input.alert);
    return undefined;
  },
};

function extendRolling(inc: IncidentState, t: Date, c: CorrelationConfig): void {
  const cap = addMin(inc.windowStart, c.maxSpanMinutes);
  const end = addMin(t, c.windowMinutes);
  const next = end < cap ? end : cap;
  if (next > inc.windowEnd) inc.windowEnd = next;
}

/** Join the open incident of the key, wait for `minAlertsToOpen`, or open a new incident. */
export const incidentStage: Stage = {
  name: 'incident',
  run(input) {
    const { alert: a, t, state, ctx } = input;
    const c = ctx.config;
    const key = input.key ?? correlationKey(c.aggregationKey, a);
    let inc = state.openIncident(key);
    if (inc) advanceIncident(state, inc, t, c);
    inc = state.openIncident(key);
    let superseded: IncidentState | undefined;
    if (inc && t >= inc.windowEnd && inc.firingCount === 0 && !heldByEvents(inc, t) && !inc.flapping) {
      // Quiet (all alerts resolved, waiting out the quiet period) and past its window: a new
      // occurrence starts a new incident.
      resolveIncident(
        state,
        inc,
        t,
        'AUTO',
        'All alerts resolved; window expired before a new alert',
        'superseded',
      );
      superseded = inc;
      inc = undefined;
    }
    const isEvent = kindOf(a, c) === 'EVENT';
    if (inc) {
      const inWindow = t < inc.windowEnd;
      const byEvents = heldByEvents(inc, t);
      if (inc.windowMode === 'ROLLING' && inWindow) extendRolling(inc, t, c);
      const fp = recordFingerprint(input, inc.id);
      absorb(input, inc);
      if (!isEvent) {
        inc.firingCount += 1;
        inc.quietSince = null;
      }
      if (fp.changed) noteTransition(input, inc, fp);
      state.touch(inc);
      const rule = inWindow
        ? 'window'
        : inc.flapping
          ? 'flapping-hold'
          : inc.firingCount > (isEvent ? 0 : 1)
            ? 'still-firing'
            : byEvents
              ? 'event-ttl'
              : 'still-firing';
      return {
        alertId: a.id,
        decision: 'CORRELATED',
        correlationKey: key,
        incidentId: inc.id,
        reason: {
          stage: 'incident',
          rule,
          key,
          incidentId: inc.id,
          window: windowInfo(inc),
          explanation:
            rule === 'window'
              ? `Same key "${key}" within the ${inc.windowMode.toLowerCase()} window (${c.windowMinutes} min)`
              : rule === 'flapping-hold'
                ? `Same key "${key}"; the incident is flapping and held open`
                : rule === 'event-ttl'
                  ? `Same key "${key}"; past the window but an event of the incident fired within the firing TTL (${eventTtl(c)} min); the maximum span (${c.maxSpanMinutes} min) ends it at ${iso(addMin(inc.firstSeenAt, c.maxSpanMinutes))}`
                  : `Same key "${key}"; past the window but the open incident still has firing alerts`,
        },
      };
    }

    let windowStart = t;
    let held: { alertIds: bigint[]; fingerprints: string[] } | null = null;
    if (c.minAlertsToOpen > 1) {
      let g = state.held.get(key);
      if (!g || t.getTime() >= addMin(g.windowStart, c.windowMinutes).getTime()) {
        g = { key, windowStart: t, alertIds: [], fingerprints: [] };
        state.held.set(key, g);
      }
      if (g.alertIds.length + 1 < c.minAlertsToOpen) {
        g.alertIds.push(a.id);
        g.fingerprints.push(a.fingerprint);
        recordFingerprint(input, null);
        return {
          alertId: a.id,
          decision: 'CORRELATED',
          correlationKey: key,
          incidentId: null,
          reason: {
            stage: 'incident',
            rule: 'held-below-minimum',
            key,
            incidentId: null,
            window: {
              mode: c.windowMode,
              start: iso(g.windowStart),
              end: iso(addMin(g.windowStart, c.windowMinutes)),
            },
            groupStart: iso(g.windowStart),
            explanation: `Alert ${g.alertIds.length} of ${c.minAlertsToOpen} needed within ${c.windowMinutes} min before an incident opens`,
          },
        };
      }
      windowStart = g.windowStart;
      held = { alertIds: g.alertIds, fingerprints: g.fingerprints };
      state.held.delete(key);
    }

    const id = ctx.newId();
    const created: IncidentState = {
      id,
      key,
      status: 'OPEN',
      title: a.summary || `${a.signature} on ${a.asset}`,
      asset: a.asset,
      signature: a.signature,
      source: a.source,
      severity: a.severity,
      alertCount: 1,
      firingCount: isEvent ? 0 : 1,
      windowMode: c.windowMode,
      windowStart,
      windowEnd:
        c.windowMode === 'FIXED'
          ? addMin(windowStart, c.windowMinutes)
          : new Date(
              Math.min(addMin(t, c.windowMinutes).getTime(), addMin(windowStart, c.maxSpanMinutes).getTime()),
            ),
      firstSeenAt: windowStart,
      lastSeenAt: t,
      flapping: false,
      transitions: 0,
      quietSince: null,
      lastTransitionAt: null,
      resolvedAt: null,
      resolution: null,
      resolutionNote: null,
      eventsUntil: isEvent ? addMin(t, eventTtl(c)) : null,
      stale: false,
    };
    state.putIncident(created, true);
    state.event({
      incidentId: id,
      type: 'created',
      at: t,
      message: `Opened by alert ${a.id} (${key})`,
      data: { alertId: String(a.id), key, ...(superseded ? { supersedes: superseded.id } : {}) },
    });
    if (held) {
      created.alertCount += held.alertIds.length;
      const seen = new Set<string>([a.fingerprint]);
      for (const f of held.fingerprints) {
        const s = state.fingerprints.get(f);
        if (seen.has(f) || !s || s.status !== 'FIRING' || s.incidentId !== null) continue;
        seen.add(f);
        if (s.kind === 'EVENT') {
          const until = addMin(s.lastSeenAt, eventTtl(c));
          if (!created.eventsUntil || until > created.eventsUntil) created.eventsUntil = until;
        } else created.firingCount += 1;
        state.putFingerprint({ ...s, incidentId: id }, true);
      }
      state.link(id, held.alertIds);
    }
    const fp = recordFingerprint(input, id);
    if (fp.changed) noteTransition(input, created, fp);
    return {
      alertId: a.id,
      decision: 'CORRELATED',
      correlationKey: key,
      incidentId: id,
      reason: {
        stage: 'incident',
        rule: held ? 'opened-at-minimum' : 'opened',
        key,
        incidentId: id,
        window: windowInfo(created),
        explanation: held
          ? `${held.alertIds.length + 1} alerts with key "${key}" within ${c.windowMinutes} min: incident opened`
          : `First alert with key "${key}" and no open incident: incident opened` +
            (superseded ? ` (the previous one was quiet past its window)` : ''),
      },
    };
  },
};

function verdict(
  a: EngineAlert,
  decision: 'SUPPRESSED' | 'INHIBITED',
  r: Omit<DecisionReason, 'key' | 'incidentId' | 'window'>,
): AlertDecisionOut {
  return {
    alertId: a.id,
    decision,
    correlationKey: null,
    incidentId: null,
    reason: { ...r, key: null, incidentId: null, window: null },
  };
}

export const STAGES: readonly Stage[] = [
  dedupStage,
  resolveStage,
  suppressStage,
  inhibitStage,
  groupStage,
  incidentStage,
];

/** Runs one alert through the stages. */
export function decideAlert(
  state: CorrelationState,
  alert: EngineAlert,
  ctx: EngineContext,
): AlertDecisionOut {
  const input: StageInput = { alert, t: alert.occurredAt, state, ctx, key: null };
  for (const stage of STAGES) {
    const out = stage.run(input);
    if (out) return out;
  }
  throw new Error('unreachable: the incident stage always decides');
}

/** Applies every deadline that has passed at `now` to the open incidents held in `state`. */
export function tick(state: CorrelationState, now: Date, config: CorrelationConfig): void {
  for (const inc of [...state.incidents.values()]) advanceIncident(state, inc, now, config);
}
