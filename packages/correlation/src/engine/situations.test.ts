// The situation layer: linking by shared entity values within the window, topology, hub guardrail,
// maximum size, per-edge explanations.
import { beforeEach, describe, expect, it } from 'vitest';
import { CorrelationEngine } from './engine.ts';
import { SituationTracker } from './situation-tracker.ts';
import { DEFAULT_SITUATION_CONFIG, entityKeys, type SituationConfig } from './situations.ts';
import type { EngineAlert } from './types.ts';
import { alert, resetIds } from '../testing/engine-alerts.ts';

beforeEach(() => resetIds());

function run(alerts: EngineAlert[], cfg: Partial<SituationConfig> = {}) {
  const e = new CorrelationEngine();
  const tr = new SituationTracker({ ...DEFAULT_SITUATION_CONFIG, ...cfg });
  for (const a of alerts) {
    const d = e.decide(a);
    tr.observe(a, d, e.drain());
  }
  return { e, tr, sits: [...tr.situations.values()] };
}

describe('situations', () => {
  it('entity keys: asset, label values, topology from the map and from labels', () => {
    const keys = entityKeys(
      { asset: 'h1', labels: { ip: '10.0.0.1', depends_on: 'sw-1, pdu-2', other: 'x' } },
      { entities: ['asset', 'label:ip', 'topology'], topology: { h1: ['rack-3'] } },
    );
    expect(keys).toEqual([
      'asset=h1',
      'label:ip=10.0.0.1',
      'topology=h1',
      'topology=pdu-2',
      'topology=rack-3',
      'topology=sw-1',
    ]);
  });

  it('links incidents sharing a value within the window and explains each edge', () => {
    const { sits, tr } = run([
      alert({ min: 0, asset: 'fw-1', signature: 'scan', labels: { src_ip: '1.2.3.4' } }),
      alert({ min: 10, asset: 'web-1', signature: 'shell', labels: { src_ip: '1.2.3.4' } }),
      alert({ min: 12, asset: 'db-1', signature: 'disk_full' }),
    ]);
    expect(sits).toHaveLength(1);
    expect(sits[0]!.incidentIds).toHaveLength(2);
    const edge = tr.edges.find((x) => x.linkedIncidentId !== null)!;
    expect(edge.explanation).toBe(
      'linked to "scan on fw-1": both carry src_ip=1.2.3.4 within 10 min (window 30 min)',
    );
  });

  it('does not link outside the window', () => {
    const { sits } = run([
      alert({ min: 0, asset: 'a', signature: 'x', labels: { user: 'bob' } }),
      alert({ min: 45, asset: 'b', signature: 'y', labels: { user: 'bob' } }),
    ]);
    expect(sits).toHaveLength(0);
  });

  it('topology: hosts behind one switch join the switch incident', () => {
    const topology = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`h${i}`, ['sw-1']]));
    const { sits } = run(
      [
        alert({ min: 0, asset: 'sw-1', signature: 'switch_down' }),
        ...Array.from({ length: 5 }, (_, i) => alert({ min: 1, asset: `h${i}`, signature: 'host_down' })),
      ],
      { topology },
    );
    expect(sits).toHaveLength(1);
    expect(sits[0]!.incidentIds).toHaveLength(6);
  });

  it('a value carried by more than the hub share of earlier incidents is not used, and is reported', () => {
    const earlier = Array.from({ length: 6 }, (_, i) =>
      alert({ min: i * 5, asset: `n${i}`, signature: 'noise', labels: { src_ip: '10.0.0.5' } }),
    );
    const { sits, tr } = run(
      [
        ...earlier,
        alert({ min: 200, asset: 'p', signature: 'a', labels: { src_ip: '10.0.0.5' } }),
        alert({ min: 201, asset: 'q', signature: 'b', labels: { src_ip: '10.0.0.5' } }),
      ],
      { hubMinIncidents: 3, hubShare: 0.5, windowMinutes: 30 },
    );
    // The first six link among themselves (no history yet); the later two see a hub.
    expect(sits.every((s) => !s.incidentIds.some((id) => ['inc-7', 'inc-8'].includes(id)))).toBe(true);
    expect([...tr.hubsSkipped.keys()]).toEqual(['label:src_ip=10.0.0.5']);
  });

  it('a situation never grows past its maximum size', () => {
    const { sits } = run(
      Array.from({ length: 10 }, (_, i) =>
        alert({ min: i, asset: `h${i}`, signature: 's', labels: { cluster: 'c1' } }),
      ),
      { entities: ['label:cluster'], maxIncidents: 4, hubMinIncidents: 1000 },
    );
    expect(Math.max(...sits.map((s) => s.incidentIds.length))).toBe(4);
  });

  it('is deterministic', () => {
    const mk = () => {
      resetIds();
      return Array.from({ length: 30 }, (_, i) =>
        alert({ min: i * 2, asset: `h${i % 7}`, signature: `s${i % 3}`, labels: { ip: `10.0.0.${i % 4}` } }),
      );
    };
    const a = run(mk());
    const b = run(mk());
    expect(b.tr.edges).toEqual(a.tr.edges);
  });
});
