// The configurations the quality harness compares.
import { DEFAULT_SITUATION_CONFIG } from '../engine/situations.ts';
import type { QualityRun } from './measure.ts';
import type { Scenario } from './scenarios.ts';

const ALL_STATEFUL = {
  NATIVE: 'STATEFUL',
  ALERTMANAGER: 'STATEFUL',
  GENERIC: 'STATEFUL',
} as const;

/** `today`: the engine before alert kinds and situations (every identity holds its incident while repeating). */
export function qualityRuns(s: Scenario): QualityRun[] {
  const sit = { ...DEFAULT_SITUATION_CONFIG, topology: s.topology };
  return [
    {
      name: 'today (no kinds, no situations)',
      config: { sourceKinds: ALL_STATEFUL, staleAfterMinutes: 0 },
      situations: null,
    },
    { name: 'kinds only', config: {}, situations: null },
    { name: 'default (kinds + situations)', config: {}, situations: sit },
    { name: 'default, window 5 min', config: { windowMinutes: 5 }, situations: sit },
    { name: 'default, situation window 10 min', config: {}, situations: { ...sit, windowMinutes: 10 } },
    { name: 'situations by asset only', config: {}, situations: { ...sit, entities: ['asset'] } },
    { name: 'no topology map', config: {}, situations: { ...sit, topology: {} } },
    { name: 'no hub guardrail', config: {}, situations: { ...sit, hubShare: 1 } },
    // A low hub share: the chatty hosts' own values (asset, ip, topology) become hubs and stop linking.
    { name: 'hub share 4 %', config: {}, situations: { ...sit, hubShare: 0.04 } },
  ];
}
