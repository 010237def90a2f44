// The engine's memory: incidents (by id and by open key), alert identities, held groups, and a log
// of what changed since the last drain (persistence writes exactly that).
import type { FingerprintState, HeldGroup, IncidentEventOut, IncidentState } from './types.ts';

export interface StateChanges {
  /** Incidents created since the last drain, in creation order (final state). */
  created: IncidentState[];
  /** Incidents that existed before and changed. */
  updated: IncidentState[];
  fingerprints: FingerprintState[];
  events: IncidentEventOut[];
  /** Held alerts (already decided CORRELATED) linked to the incident that opened for them. */
  links: { incidentId: string; alertIds: bigint[] }[];
}

export class CorrelationState {
  readonly incidents = new Map<string, IncidentState>();
  readonly openByKey = new Map<string, string>();
  readonly fingerprints = new Map<string, FingerprintState>();
  readonly held = new Map<string, HeldGroup>();

  private created: string[] = [];
  private createdSet = new Set<string>();
  private touched = new Set<string>();
  private touchedFps = new Set<string>();
  private events: IncidentEventOut[] = [];
  private links: { incidentId: string; alertIds: bigint[] }[] = [];

  /** Loads an incident (persistence) or registers a new one (engine, `created`). */
  putIncident(inc: IncidentState, created = false): void {
    this.incidents.set(inc.id, inc);
    if (inc.status !== 'RESOLVED') this.openByKey.set(inc.key, inc.id);
    if (created) {
      this.created.push(inc.id);
      this.createdSet.add(inc.id);
    }
  }

  putFingerprint(fp: FingerprintState, touched = false): void {
    this.fingerprints.set(fp.fingerprint, fp);
    if (touched) this.touchedFps.add(fp.fingerprint);
  }

  openIncident(key: string): IncidentState | undefined {
    const id = this.openByKey.get(key);
    const inc = id ? this.incidents.get(id) : undefined;
    return inc && inc.status !== 'RESOLVED' ? inc : undefined;
  }

  isOpen(id: string | null): IncidentState | undefined {
    if (!id) return undefined;
    const inc = this.incidents.get(id);
    return inc && inc.status !== 'RESOLVED' ? inc : undefined;
  }

  touch(inc: IncidentState): void {
    this.touched.add(inc.id);
  }

  markResolved(inc: IncidentState): void {
    if (this.openByKey.get(inc.key) === inc.id) this.openByKey.delete(inc.key);
    this.touched.add(inc.id);
  }

  event(e: IncidentEventOut): void {
    this.events.push(e);
  }

  link(incidentId: string, alertIds: bigint[]): void {
    if (alertIds.length) this.links.push({ incidentId, alertIds });
  }

  /** Returns and forgets what changed since the last drain. */
  drain(): StateChanges {
    const out: StateChanges = {
      created: this.created.map((id) => this.incidents.get(id)!),
      updated: [...this.touched]
        .filter((id) => !this.createdSet.has(id))
        .map((id) => this.incidents.get(id)!),
      fingerprints: [...this.touchedFps].map((f) => this.fingerprints.get(f)!),
      events: this.events,
      links: this.links,
    };
    this.created = [];
    this.createdSet = new Set();
    this.touched = new Set();
    this.touchedFps = new Set();
    this.events = [];
    this.links = [];
    return out;
  }

  /**
   * Forgets what can no longer influence a decision at or after `t` (bounded memory for long
   * replays): resolved incidents, and identities that are resolved or stale and not in an open incident.
   */
  compact(t: Date, horizonMinutes: number): void {
    const horizon = t.getTime() - horizonMinutes * 60_000;
    for (const [id, inc] of this.incidents) if (inc.status === 'RESOLVED') this.incidents.delete(id);
    for (const [f, fp] of this.fingerprints) {
      const inOpen = fp.incidentId !== null && this.incidents.has(fp.incidentId);
      if (!inOpen && fp.lastSeenAt.getTime() < horizon) this.fingerprints.delete(f);
    }
    for (const [k, g] of this.held) if (g.windowStart.getTime() < horizon) this.held.delete(k);
  }
}
