// The correlation quality gate (CI): the small labelled scenario through today's engine and the
// default configuration. Fails when quality drops: purity below 99 %, a labelled cause spread
// over more than a quarter of the incidents asset|signature alone needs, or noise reduction (by
// situations) below today's default (by incidents).
import { describe, expect, it } from 'vitest';
import { measure } from './measure.ts';
import { qualityRuns } from './runs.ts';
import { buildScenario } from './scenarios.ts';

describe('correlation quality on the small labelled scenario', () => {
  const s = buildScenario('small');
  const runs = qualityRuns(s);
  const today = measure(
    s,
    runs.find((r) => r.name.startsWith('today'))!,
  );
  const def = measure(
    s,
    runs.find((r) => r.name.startsWith('default (kinds'))!,
  );

  it('has the four labelled patterns and background noise', () => {
    expect(s.causes).toHaveLength(4);
    expect(s.alerts.filter((a) => a.cause === null).length).toBeGreaterThan(s.alerts.length / 2);
  });

  it('purity of the default configuration is at least 99 %', () => {
    expect(def.purityPct).toBeGreaterThanOrEqual(99);
  });

  it('each labelled cause sits in at most a quarter of the incidents asset|signature alone needs', () => {
    for (const c of def.causes) {
      const baseline = today.causes.find((x) => x.cause === c.cause)!;
      expect(baseline.incidents, c.cause).toBeGreaterThanOrEqual(4);
      expect(c.items, c.cause).toBeLessThanOrEqual(baseline.incidents / 4);
    }
  });

  it('noise reduction by situations is not lower than today by incidents', () => {
    expect(def.noiseReductionSituationsPct).toBeGreaterThanOrEqual(today.noiseReductionIncidentsPct);
  });

  it('the hub guardrail is exercised: a low hub share keeps values out of linking, purity holds', () => {
    const low = measure(
      s,
      runs.find((r) => r.name.startsWith('hub share'))!,
    );
    const off = measure(
      s,
      runs.find((r) => r.name.startsWith('no hub guardrail'))!,
    );
    expect(off.hubsSkipped).toEqual([]);
    expect(low.hubsSkipped.length).toBeGreaterThan(0);
    expect(low.items).toBeGreaterThan(off.items); // fewer links: more items
    expect(low.purityPct).toBeGreaterThanOrEqual(99);
  });

  it('the same scenario gives the same figures (deterministic)', () => {
    const again = measure(
      buildScenario('small'),
      runs.find((r) => r.name.startsWith('default (kinds'))!,
    );
    expect(again).toEqual(def);
  });
});
