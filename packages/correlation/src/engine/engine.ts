// A convenient facade over the pipeline for in-memory use (tests, backtests, replays).
import { decideAlert, stateHorizonMinutes, tick, type EngineContext } from './pipeline.ts';
import { CorrelationState, type StateChanges } from './state.ts';
import {
  DEFAULT_CONFIG,
  NO_RULES,
  type AlertDecisionOut,
  type CorrelationConfig,
  type EngineAlert,
  type IncidentState,
  type RuleSet,
} from './types.ts';

export function counterIds(prefix = 'inc-'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export class CorrelationEngine {
  readonly state: CorrelationState;
  readonly ctx: EngineContext;
  /** Every incident seen, including resolved ones that `compact` dropped from the state. */
  private readonly archive = new Map<string, IncidentState>();

  constructor(
    opts: {
      config?: Partial<CorrelationConfig>;
      rules?: RuleSet;
      newId?: () => string;
      state?: CorrelationState;
      keepArchive?: boolean;
    } = {},
  ) {
    this.state = opts.state ?? new CorrelationState();
    this.ctx = {
      config: { ...DEFAULT_CONFIG, ...opts.config },
      rules: opts.rules ?? NO_RULES,
      newId: opts.newId ?? counterIds(),
    };
    this.keepArchive = opts.keepArchive ?? true;
  }

  private readonly keepArchive: boolean;

  decide(alert: EngineAlert): AlertDecisionOut {
    return decideAlert(this.state, alert, this.ctx);
  }

  process(alerts: Iterable<EngineAlert>): AlertDecisionOut[] {
    const out: AlertDecisionOut[] = [];
    for (const a of alerts) out.push(this.decide(a));
    return out;
  }

  tick(now: Date): void {
    tick(this.state, now, this.ctx.config);
  }

  /** What changed since the last call (the archive keeps every incident for `incidents()`). */
  drain(): StateChanges {
    const ch = this.state.drain();
    if (this.keepArchive) for (const inc of [...ch.created, ...ch.updated]) this.archive.set(inc.id, inc);
    return ch;
  }

  /** Forget what can no longer matter at `t` (bounded memory for long streams). */
  compact(t: Date): void {
    this.drain();
    this.state.compact(t, stateHorizonMinutes(this.ctx.config));
  }

  incidents(): IncidentState[] {
    this.drain();
    const all = new Map(this.archive);
    for (const [id, inc] of this.state.incidents) all.set(id, inc);
    return [...all.values()];
  }
}
