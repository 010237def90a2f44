// Runs a labelled scenario through the engine (and the situation layer) and measures what a
// technician would see: incidents, situations, noise reduction, purity and fragmentation.
import { CorrelationEngine } from '../engine/engine.ts';
import { SituationTracker } from '../engine/situation-tracker.ts';
import type { SituationConfig } from '../engine/situations.ts';
import type { CorrelationConfig } from '../engine/types.ts';
import type { Scenario } from './scenarios.ts';

export interface QualityRun {
  name: string;
  config: Partial<CorrelationConfig>;
  /** null: no situation layer (every incident is its own item). */
  situations: SituationConfig | null;
}

export interface CauseFigures {
  cause: string;
  alerts: number;
  /** Incidents holding its alerts. */
  incidents: number;
  /** Items (situations, or incidents in none) holding its alerts: what a technician sees. */
  items: number;
}

export interface QualityResult {
  name: string;
  alerts: number;
  incidents: number;
  situations: number;
  /** Situations plus incidents in no situation. */
  items: number;
  noiseReductionIncidentsPct: number;
  noiseReductionSituationsPct: number;
  /** Share of items whose alerts all belong to one cause or are all noise. */
  purityPct: number;
  impureItems: number;
  /** Items per labelled cause (mean and worst). */
  fragmentationMean: number;
  fragmentationMax: number;
  causes: CauseFigures[];
  hubsSkipped: string[];
}

const pct = (x: number) => Math.round(x * 10_000) / 100;

export function measure(s: Scenario, run: QualityRun): QualityResult {
  const engine = new CorrelationEngine({ config: run.config });
  const tracker = run.situations ? new SituationTracker(run.situations) : null;
  const incidentOf = new Map<bigint, string>();
  for (const a of s.alerts) {
    const d = engine.decide(a);
    const ch = engine.drain();
    for (const l of ch.links) for (const id of l.alertIds) incidentOf.set(id, l.incidentId);
    if (d.incidentId) incidentOf.set(a.id, d.incidentId);
    tracker?.observe(a, d, ch);
  }
  const incidents = engine.incidents();
  const itemOf = new Map<string, string>();
  for (const inc of incidents) {
    const sid = tracker?.incidents.get(inc.id)?.situationId;
    itemOf.set(inc.id, sid ?? inc.id);
  }
  const items = new Map<string, Set<string>>(); // item → causes ('' = noise)
  const perCause = new Map<string, { alerts: number; incidents: Set<string>; items: Set<string> }>();
  for (const c of s.causes) perCause.set(c, { alerts: 0, incidents: new Set(), items: new Set() });
  for (const a of s.alerts) {
    const inc = incidentOf.get(a.id);
    if (a.cause) perCause.get(a.cause)!.alerts += 1;
    if (!inc) continue;
    const item = itemOf.get(inc)!;
    const set = items.get(item) ?? new Set<string>();
    set.add(a.cause ?? '');
    items.set(item, set);
    if (a.cause) {
      perCause.get(a.cause)!.incidents.add(inc);
      perCause.get(a.cause)!.items.add(item);
    }
  }
  const impure = [...items.values()].filter((c) => c.size > 1).length;
  const causes = [...perCause.entries()].map(([cause, v]) => ({
    cause,
    alerts: v.alerts,
    incidents: v.incidents.size,
    items: v.items.size,
  }));
  const n = s.alerts.length;
  return {
    name: run.name,
    alerts: n,
    incidents: incidents.length,
    situations: tracker ? tracker.situations.size : 0,
    items: items.size,
    noiseReductionIncidentsPct: pct(1 - incidents.length / n),
    noiseReductionSituationsPct: pct(1 - items.size / n),
    purityPct: items.size ? pct(1 - impure / items.size) : 100,
    impureItems: impure,
    fragmentationMean: causes.length
      ? Math.round((causes.reduce((x, c) => x + c.items, 0) / causes.length) * 100) / 100
      : 0,
    fragmentationMax: Math.max(0, ...causes.map((c) => c.items)),
    causes,
    hubsSkipped: tracker ? [...tracker.hubsSkipped.keys()].sort() : [],
  };
}
