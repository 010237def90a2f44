// Alert kinds: event identities hold an incident open for the firing TTL only, so the window and
// the maximum span bound incidents of sources that never send a resolve; stateful alerts with no
// update for the stale time are marked stale, never resolved.
import { beforeEach, describe, expect, it } from 'vitest';
import { CorrelationEngine } from './engine.ts';
import { kindOf, DEFAULT_CONFIG, type CorrelationConfig, type EngineAlert } from './types.ts';
import { alert, at, resetIds } from '../testing/engine-alerts.ts';

beforeEach(() => resetIds());

function run(alerts: EngineAlert[], config: Partial<CorrelationConfig> = {}, endMin?: number) {
  const e = new CorrelationEngine({ config });
  const decisions = e.process(alerts);
  if (endMin !== undefined) e.tick(at(endMin));
  const { events } = e.drain();
  return { e, decisions, incidents: e.incidents(), events };
}

const ev = (min: number, p: Partial<EngineAlert> = {}) =>
  alert({ min, source: 'GENERIC', asset: 'ids-1', signature: 'port_scan', ...p });

describe('kinds', () => {
  it('defaults per source, overridden per company, chosen per alert', () => {
    expect(kindOf({ source: 'ALERTMANAGER' }, DEFAULT_CONFIG)).toBe('STATEFUL');
    expect(kindOf({ source: 'GENERIC' }, DEFAULT_CONFIG)).toBe('EVENT');
    expect(kindOf({ source: 'NATIVE' }, DEFAULT_CONFIG)).toBe('STATEFUL');
    expect(kindOf({ source: 'NATIVE' }, { ...DEFAULT_CONFIG, sourceKinds: { NATIVE: 'EVENT' } })).toBe(
      'EVENT',
    );
    expect(kindOf({ source: 'GENERIC', kind: 'STATEFUL' }, DEFAULT_CONFIG)).toBe('STATEFUL');
  });

  it('an event stops holding its incident after the firing TTL (default: the window)', () => {
    const { incidents, decisions } = run([ev(0), ev(5), ev(10)], { windowMinutes: 15 }, 100);
    expect(incidents).toHaveLength(1);
    const inc = incidents[0]!;
    expect(inc.status).toBe('RESOLVED');
    expect(inc.firingCount).toBe(0);
    // last event at 10 + TTL 15 = 25
    expect(inc.resolvedAt).toEqual(at(25));
    expect(inc.resolutionNote).toMatch(/firing TTL \(15 min\)/);
    expect(decisions.map((d) => d.decision)).toEqual(['CORRELATED', 'DEDUPLICATED', 'DEDUPLICATED']);
  });

  it('the window now changes the result for events (it did not before)', () => {
    const stream = () => [0, 10, 20, 30, 40].map((m) => ev(m));
    resetIds();
    const w5 = run(stream(), { windowMinutes: 5 }, 200).incidents.length;
    resetIds();
    const w15 = run(stream(), { windowMinutes: 15 }, 200).incidents.length;
    expect(w5).toBe(5);
    expect(w15).toBe(1);
  });

  it('the maximum span closes an incident whose events keep repeating', () => {
    const stream = Array.from({ length: 150 }, (_, i) => ev(i));
    const { incidents, events } = run(stream, { windowMinutes: 15, maxSpanMinutes: 60 }, 400);
    expect(incidents).toHaveLength(3);
    const closes = events.filter((x) => x.type === 'resolved');
    expect(closes.map((x) => x.data.rule)).toEqual(['max-span', 'max-span', 'event-ttl']);
    for (const inc of incidents)
      expect(inc.resolvedAt!.getTime() - inc.firstSeenAt.getTime()).toBeLessThanOrEqual(60 * 60_000);
  });

  it('says which rule extended an incident past its window', () => {
    const { decisions } = run([ev(0), ev(12, { fingerprint: 'other' }), ev(20, { fingerprint: 'third' })], {
      windowMinutes: 15,
    });
    expect(decisions[2]!.reason.rule).toBe('event-ttl');
    expect(decisions[2]!.reason.explanation).toMatch(/firing TTL \(15 min\)/);
  });

  it('a custom TTL is used instead of the window', () => {
    const { incidents } = run([ev(0)], { windowMinutes: 15, eventTtlMinutes: 3 }, 100);
    expect(incidents[0]!.resolvedAt).toEqual(at(3));
  });

  it('a resolve for an event-kind alert is recorded only', () => {
    const { decisions, incidents } = run([ev(0), ev(1, { status: 'RESOLVED' })], {}, 1);
    expect(decisions[1]!.reason.rule).toBe('event-resolve-recorded');
    expect(incidents[0]!.status).toBe('OPEN');
  });

  it('stateful alerts still hold their incident open while firing (unchanged)', () => {
    const { incidents } = run([alert({ min: 0 }), alert({ min: 100 })], { windowMinutes: 15 }, 200);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.status).toBe('OPEN');
  });

  it('a stateful alert with no update for the stale time is marked stale, not resolved, and cleared by an update', () => {
    const e = new CorrelationEngine({ config: { staleAfterMinutes: 60 } });
    e.decide(alert({ min: 0 }));
    e.tick(at(59));
    expect(e.incidents()[0]!.stale).toBe(false);
    e.tick(at(61));
    const ch = e.drain();
    let inc = e.incidents()[0]!;
    expect(inc.stale).toBe(true);
    expect(inc.status).toBe('OPEN');
    const staleEv = ch.events.find((x) => x.type === 'stale')!;
    expect(staleEv.at).toEqual(at(60));
    expect(staleEv.message).toMatch(/marked stale/);
    e.decide(alert({ min: 70 }));
    expect(e.drain().events.map((x) => x.type)).toContain('stale_cleared');
    inc = e.incidents()[0]!;
    expect(inc.stale).toBe(false);
  });

  it('stale time 0 turns staleness off', () => {
    const e = new CorrelationEngine({ config: { staleAfterMinutes: 0 } });
    e.decide(alert({ min: 0 }));
    e.tick(at(10_000));
    expect(e.incidents()[0]!.stale).toBe(false);
  });
});
