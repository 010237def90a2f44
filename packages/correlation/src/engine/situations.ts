// Situations: the second, deterministic layer. Open incidents of one company that share an
// entity value (the asset, a label value such as ip or user, or a topology link) and were active
// within the situation window of each other are linked into one situation. Guardrails: a value
// carried by more than `hubShare` of the company's recent incidents (a hub: a NAT address, a
// monitoring host) is never used; a situation has a maximum number of incidents and a maximum
// span; situations never merge. Every link records the entity value and an explanation.
import { labelValue } from './fields.ts';
import type { IncidentState } from './types.ts';

export interface SituationConfig {
  enabled: boolean;
  windowMinutes: number;
  /** `asset`, `label:<name>` or `topology`. */
  entities: string[];
  hubShare: number;
  hubMinIncidents: number;
  hubLookbackMinutes: number;
  maxIncidents: number;
  maxSpanMinutes: number;
  /** Asset → the assets it depends on. */
  topology: Record<string, string[]>;
}

export const DEFAULT_SITUATION_CONFIG: SituationConfig = {
  enabled: true,
  windowMinutes: 30,
  entities: ['asset', 'label:ip', 'label:src_ip', 'label:user', 'topology'],
  hubShare: 0.2,
  hubMinIncidents: 20,
  hubLookbackMinutes: 1440,
  maxIncidents: 50,
  maxSpanMinutes: 240,
  topology: {},
};

/** Alert labels naming the assets an asset depends on (comma separated), besides the settings map. */
export const TOPOLOGY_LABELS = ['depends_on', 'parent', 'upstream'] as const;

const MIN = 60_000;

/**
 * The entity keys one alert contributes to its incident: `asset=<asset>`, `label:ip=<value>`,
 * `topology=<asset or an asset it depends on>`.
 */
export function entityKeys(
  a: { asset: string; labels: Record<string, string> },
  c: Pick<SituationConfig, 'entities' | 'topology'>,
): string[] {
  const out = new Set<string>();
  for (const e of c.entities) {
    if (e === 'asset') {
      if (a.asset) out.add(`asset=${a.asset}`);
    } else if (e === 'topology') {
      if (!a.asset) continue;
      out.add(`topology=${a.asset}`);
      const deps = Object.hasOwn(c.topology, a.asset) ? c.topology[a.asset]! : [];
      for (const d of deps) if (d) out.add(`topology=${d}`);
      for (const l of TOPOLOGY_LABELS)
        for (const d of labelValue(a.labels, l).split(',')) if (d.trim()) out.add(`topology=${d.trim()}`);
    } else if (e.startsWith('label:')) {
      const v = labelValue(a.labels, e.slice(6));
      if (v) out.add(`${e}=${v}`);
    }
  }
  return [...out].sort();
}

export function splitKey(key: string): { entity: string; value: string } {
  const i = key.indexOf('=');
  return { entity: key.slice(0, i), value: key.slice(i + 1) };
}

/** An incident as the linker sees it. */
export interface SituationIncident {
  id: string;
  title: string;
  asset: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  open: boolean;
  entityKeys: string[];
  situationId: string | null;
}

/** A new incident as the linker first sees it: no entity keys, no situation. */
export function newSituationIncident(inc: IncidentState): SituationIncident {
  return {
    id: inc.id,
    title: inc.title,
    asset: inc.asset,
    firstSeenAt: inc.firstSeenAt,
    lastSeenAt: inc.lastSeenAt,
    open: inc.status !== 'RESOLVED',
    entityKeys: [],
    situationId: null,
  };
}

/** Linking order: first seen, then id (as PostgreSQL orders uuids: their lowercase text). */
export const byFirstSeen = (x: SituationIncident, y: SituationIncident): number =>
  x.firstSeenAt.getTime() - y.firstSeenAt.getTime() || (x.id < y.id ? -1 : 1);

export interface SituationSummary {
  id: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  incidentCount: number;
  open: boolean;
}

export interface SituationEdge {
  situationId: string;
  incidentId: string;
  linkedIncidentId: string | null;
  entity: string;
  value: string;
  explanation: string;
}

export interface LinkResult {
  /** A situation created for this link (the incident and its partner). */
  created: SituationSummary | null;
  /** Incidents whose situation changed (incidentId → situationId). */
  assigned: { incidentId: string; situationId: string }[];
  edges: SituationEdge[];
  /** Shared values skipped because they are hubs (for the explanation in the UI). */
  hubsSkipped: string[];
}

/**
 * Hub values: carried by more than `hubShare` of the incidents first seen in the lookback, once
 * there are at least `hubMinIncidents` of them. `counts` maps entity key → incidents carrying it.
 */
export function hubKeys(counts: Map<string, number>, total: number, c: SituationConfig): Set<string> {
  const out = new Set<string>();
  if (total < c.hubMinIncidents) return out;
  for (const [k, n] of counts) if (n / total > c.hubShare) out.add(k);
  return out;
}

function describe(k: string): string {
  const { entity, value } = splitKey(k);
  if (entity === 'topology') return `depend on or are ${value} (topology)`;
  return `carry ${entity.replace(/^label:/, '')}=${value}`;
}

/**
 * Links `inc` (just created or updated at `t`) to the open incidents in `candidates` (the open
 * incidents of the company that share at least one key). Deterministic: candidates are taken in
 * order of first sight then id, keys in sorted order. Mutates nothing; the caller applies the result.
 */
export function linkIncident(input: {
  incident: SituationIncident;
  candidates: SituationIncident[];
  situations: Map<string, SituationSummary>;
  hubs: Set<string>;
  config: SituationConfig;
  t: Date;
  newId: () => string;
}): LinkResult {
  const { incident: inc, config: c, t } = input;
  const result: LinkResult = { created: null, assigned: [], edges: [], hubsSkipped: [] };
  if (!c.enabled || !inc.open) return result;
  const usable = inc.entityKeys.filter((k) => {
    if (input.hubs.has(k)) {
      result.hubsSkipped.push(k);
      return false;
    }
    return true;
  });
  if (!usable.length) return result;
  const win = c.windowMinutes * MIN;
  const sizes = new Map<string, number>();
  const size = (s: SituationSummary) => sizes.get(s.id) ?? s.incidentCount;
  const fits = (s: SituationSummary | undefined) =>
    s !== undefined &&
    s.open &&
    size(s) < c.maxIncidents &&
    t.getTime() - s.firstSeenAt.getTime() <= c.maxSpanMinutes * MIN;
  const candidates = input.candidates
    .filter((j) => j.id !== inc.id && j.open)
    .filter(
      (j) =>
        j.lastSeenAt.getTime() >= inc.firstSeenAt.getTime() - win &&
        inc.lastSeenAt.getTime() >= j.firstSeenAt.getTime() - win,
    )
    .sort(byFirstSeen);
  let mine = inc.situationId;
  const assignedHere = new Map<string, string>();
  const situationOf = (j: SituationIncident) => assignedHere.get(j.id) ?? j.situationId;
  for (const j of candidates) {
    const shared = usable.find((k) => j.entityKeys.includes(k));
    if (!shared) continue;
    const theirs = situationOf(j);
    if (mine && theirs === mine) continue;
    const gap = Math.round(Math.abs(inc.lastSeenAt.getTime() - j.lastSeenAt.getTime()) / MIN);
    const { entity, value } = splitKey(shared);
    const edge = (situationId: string, incidentId: string, o: SituationIncident) => {
      result.edges.push({
        situationId,
        incidentId,
        linkedIncidentId: o.id,
        entity,
        value,
        explanation: `linked to "${o.title}": both ${describe(shared)} within ${Math.max(gap, 0)} min (window ${c.windowMinutes} min)`,
      });
    };
    if (!mine) {
      const s = theirs ? input.situations.get(theirs) : undefined;
      if (theirs && fits(s)) {
        mine = theirs;
      } else if (!theirs) {
        const first = j.firstSeenAt < inc.firstSeenAt ? j.firstSeenAt : inc.firstSeenAt;
        const created: SituationSummary = {
          id: input.newId(),
          firstSeenAt: first,
          lastSeenAt: t,
          incidentCount: 1,
          open: true,
        };
        result.created = created;
        mine = created.id;
        sizes.set(created.id, 1);
        assignedHere.set(j.id, created.id);
        result.assigned.push({ incidentId: j.id, situationId: created.id });
        result.edges.push({
          situationId: created.id,
          incidentId: j.id,
          linkedIncidentId: null,
          entity,
          value,
          explanation: `first incident of the situation (shares ${entity.replace(/^label:/, '')}=${value})`,
        });
      } else continue; // their situation is full or past its span
      const s2 = result.created?.id === mine ? result.created : input.situations.get(mine)!;
      sizes.set(mine, size(s2) + 1);
      assignedHere.set(inc.id, mine);
      result.assigned.push({ incidentId: inc.id, situationId: mine });
      edge(mine, inc.id, j);
    } else if (!theirs) {
      const s = result.created?.id === mine ? result.created : input.situations.get(mine);
      if (!fits(s)) break;
      sizes.set(mine, size(s!) + 1);
      assignedHere.set(j.id, mine);
      result.assigned.push({ incidentId: j.id, situationId: mine });
      edge(mine, j.id, inc);
    }
    // Both already in different situations: situations never merge.
  }
  return result;
}
