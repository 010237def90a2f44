// Micro-benchmarks of the correlation stages a batch runs per alert (`npm run bench -w
// @aw/correlation`): the correlation key, the situation entity keys, one decision through the
// pipeline on a warm state, and a situation link among 50 candidates. Figures only, never asserted
// (the end-to-end decided lag is in bench/run.ts).
import { bench, describe } from 'vitest';
import { alert, at } from '../testing/engine-alerts.ts';
import { CorrelationEngine } from './engine.ts';
import { correlationKey } from './fields.ts';
import { DEFAULT_SITUATION_CONFIG, entityKeys, linkIncident, type SituationIncident } from './situations.ts';

const stream = Array.from({ length: 20_000 }, (_, i) =>
  alert({
    asset: `host-${(i * 7) % 500}`,
    signature: `check_${i % 20}`,
    status: i % 10 === 9 ? 'RESOLVED' : 'FIRING',
    occurredAt: new Date(at(0).getTime() + i * 10),
    labels: { env: 'prod', src_ip: `10.0.${i % 7}.1`, seq: String(i) },
  }),
);
const a = stream[0]!;
const candidates: SituationIncident[] = Array.from({ length: 50 }, (_, i) => ({
  id: `inc-${String(i).padStart(3, '0')}`,
  title: `check_${i} on host-${i % 5}`,
  asset: `host-${i % 5}`,
  firstSeenAt: at(i),
  lastSeenAt: at(i + 5),
  open: true,
  entityKeys: [`asset=host-${i % 5}`, `label:src_ip=10.0.${i % 7}.1`, `topology=host-${i % 5}`],
  situationId: null,
}));
const incident: SituationIncident = {
  ...candidates[0]!,
  id: 'inc-new',
  firstSeenAt: at(60),
  lastSeenAt: at(60),
};

describe('per alert', () => {
  bench('correlation key (asset|signature)', () => {
    correlationKey('asset|signature', a);
  });
  bench('situation entity keys (default entities)', () => {
    entityKeys(a, DEFAULT_SITUATION_CONFIG);
  });
  let engine = new CorrelationEngine();
  let i = 0;
  bench(
    'decide one alert (500 assets × 20 signatures, warm state)',
    () => {
      engine.decide(stream[i++ % stream.length]!);
      if (i % stream.length === 0) engine = new CorrelationEngine();
    },
    { warmupIterations: 2_000 },
  );
  let n = 0;
  bench('link an incident among 50 candidates', () => {
    linkIncident({
      incident,
      candidates,
      situations: new Map(),
      hubs: new Set(),
      config: DEFAULT_SITUATION_CONFIG,
      t: at(60),
      newId: () => `sit-${++n}`,
    });
  });
});
