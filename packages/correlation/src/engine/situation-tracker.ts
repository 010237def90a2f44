// In-memory situations over an engine run (tests, backtests, the quality bench). The store does
// the same with rows (../store/situations.ts); both call linkIncident for the decision.
import { counterIds } from './engine.ts';
import {
  entityKeys,
  hubKeys,
  linkIncident,
  newSituationIncident,
  type SituationConfig,
  type SituationEdge,
  type SituationIncident,
  type SituationSummary,
} from './situations.ts';
import type { StateChanges } from './state.ts';
import type { AlertDecisionOut, EngineAlert } from './types.ts';

const MIN = 60_000;

export interface TrackedSituation extends SituationSummary {
  incidentIds: string[];
}

export class SituationTracker {
  readonly incidents = new Map<string, SituationIncident>();
  readonly situations = new Map<string, TrackedSituation>();
  readonly edges: SituationEdge[] = [];
  /** Hub values met while linking (value → times skipped). */
  readonly hubsSkipped = new Map<string, number>();
  /** Incidents in first-seen order; [head, tail) is the hub history (lookback minus the window). */
  private readonly recent: { at: number; id: string }[] = [];
  private head = 0;
  private tail = 0;
  private readonly counts = new Map<string, number>();
  private readonly inHistory = new Set<string>();
  private readonly open = new Set<string>();

  constructor(
    readonly config: SituationConfig,
    private readonly newId: () => string = counterIds('sit-'),
  ) {}

  /** Feeds one decided alert and the engine changes it caused. */
  observe(alert: EngineAlert, d: AlertDecisionOut, ch: StateChanges): void {
    const t = alert.occurredAt;
    for (const inc of ch.created) {
      this.incidents.set(inc.id, newSituationIncident(inc));
      this.recent.push({ at: inc.firstSeenAt.getTime(), id: inc.id });
    }
    for (const inc of [...ch.created, ...ch.updated]) {
      const s = this.incidents.get(inc.id);
      if (!s) continue;
      s.lastSeenAt = inc.lastSeenAt;
      const wasOpen = s.open;
      s.open = inc.status !== 'RESOLVED';
      if (s.open) this.open.add(s.id);
      else this.open.delete(s.id);
      if (wasOpen && !s.open && s.situationId) this.closeIfDone(s.situationId);
    }
    this.expire(t);
    if (!d.incidentId) return;
    const inc = this.incidents.get(d.incidentId);
    if (!inc) return;
    const fresh = entityKeys(alert, this.config).filter((k) => !inc.entityKeys.includes(k));
    if (!fresh.length) return;
    inc.entityKeys = [...inc.entityKeys, ...fresh].sort();
    if (this.inHistory.has(inc.id)) this.count(fresh, 1);
    this.link(inc, t);
  }

  private count(keys: string[], by: number): void {
    for (const k of keys) this.counts.set(k, (this.counts.get(k) ?? 0) + by);
  }

  /** Moves incidents into the hub history once older than the window, out once past the lookback. */
  private expire(t: Date): void {
    const upTo = t.getTime() - this.config.windowMinutes * MIN;
    while (this.tail < this.recent.length && this.recent[this.tail]!.at < upTo) {
      const { id } = this.recent[this.tail++]!;
      this.inHistory.add(id);
      this.count(this.incidents.get(id)?.entityKeys ?? [], 1);
    }
    const from = t.getTime() - this.config.hubLookbackMinutes * MIN;
    while (this.head < this.tail && this.recent[this.head]!.at < from) {
      const { id } = this.recent[this.head++]!;
      this.inHistory.delete(id);
      this.count(this.incidents.get(id)?.entityKeys ?? [], -1);
    }
  }

  private link(inc: SituationIncident, t: Date): void {
    const hubs = hubKeys(this.counts, this.inHistory.size, this.config);
    const candidates: SituationIncident[] = [];
    for (const id of this.open) {
      const j = this.incidents.get(id)!;
      if (j.id !== inc.id && j.entityKeys.some((k) => inc.entityKeys.includes(k))) candidates.push(j);
    }
    const r = linkIncident({
      incident: inc,
      candidates,
      situations: this.situations,
      hubs,
      config: this.config,
      t,
      newId: this.newId,
    });
    for (const h of r.hubsSkipped) this.hubsSkipped.set(h, (this.hubsSkipped.get(h) ?? 0) + 1);
    if (r.created) this.situations.set(r.created.id, { ...r.created, incidentCount: 0, incidentIds: [] });
    for (const a of r.assigned) {
      const s = this.situations.get(a.situationId)!;
      const i = this.incidents.get(a.incidentId)!;
      i.situationId = a.situationId;
      s.incidentIds.push(a.incidentId);
      s.incidentCount = s.incidentIds.length;
      if (i.firstSeenAt < s.firstSeenAt) s.firstSeenAt = i.firstSeenAt;
      if (t > s.lastSeenAt) s.lastSeenAt = t;
    }
    this.edges.push(...r.edges);
  }

  private closeIfDone(id: string): void {
    const s = this.situations.get(id);
    if (s && s.incidentIds.every((i) => !this.incidents.get(i)?.open)) s.open = false;
  }

  /**
   * Groups as a technician sees them: one per situation, plus one per incident in no situation.
   * Each group lists its incident ids.
   */
  groups(allIncidentIds: Iterable<string>): string[][] {
    const out: string[][] = [...this.situations.values()].map((s) => [...s.incidentIds]);
    for (const id of allIncidentIds) if (!this.incidents.get(id)?.situationId) out.push([id]);
    return out;
  }
}
