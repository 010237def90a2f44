// Property tests: replay determinism, every alert decided exactly once, counts add up, one open
// incident per key, ticks and compaction never change an outcome.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorrelationEngine } from './engine.ts';
import type { AlertDecisionOut, CorrelationConfig, EngineAlert, RuleSet } from './types.ts';
import { T0 } from '../testing/engine-alerts.ts';

const configArb: fc.Arbitrary<Partial<CorrelationConfig>> = fc.record({
  windowMinutes: fc.integer({ min: 1, max: 60 }),
  windowMode: fc.constantFrom('FIXED' as const, 'ROLLING' as const),
  maxSpanMinutes: fc.integer({ min: 60, max: 1440 }),
  aggregationKey: fc.constantFrom('asset|signature', 'signature', 'asset', 'label:env|signature'),
  minAlertsToOpen: fc.integer({ min: 1, max: 3 }),
  autoResolveQuietMinutes: fc.integer({ min: 0, max: 20 }),
  autoCloseAfterMinutes: fc.option(fc.integer({ min: 5, max: 120 }), { nil: null }),
  flapThreshold: fc.integer({ min: 2, max: 6 }),
  flapWindowMinutes: fc.integer({ min: 5, max: 60 }),
  eventTtlMinutes: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
  staleAfterMinutes: fc.integer({ min: 0, max: 120 }),
});

const rulesArb: fc.Arbitrary<RuleSet> = fc.record({
  maintenanceWindows: fc.array(
    fc.record({
      id: fc.constant('mw'),
      name: fc.constant('mw'),
      matchers: fc.constantFrom([], [{ field: 'asset', op: '=' as const, value: 'a1' }]),
      startsAt: fc.integer({ min: 0, max: 200 }).map((m) => new Date(T0.getTime() + m * 60_000)),
      endsAt: fc.integer({ min: 200, max: 400 }).map((m) => new Date(T0.getTime() + m * 60_000)),
      recurrence: fc.constantFrom(null, { kind: 'cron' as const, expr: '*/20 * * * *', durationMinutes: 5 }),
      timezone: fc.constant('UTC'),
    }),
    { maxLength: 1 },
  ),
  silences: fc.array(
    fc.record({
      id: fc.constant('s'),
      matchers: fc.constantFrom([{ field: 'signature', op: '=' as const, value: 's2' }]),
      startsAt: fc.constant(T0),
      endsAt: fc.integer({ min: 0, max: 300 }).map((m) => new Date(T0.getTime() + m * 60_000)),
      comment: fc.constant(''),
    }),
    { maxLength: 1 },
  ),
  inhibitionRules: fc.array(
    fc.record({
      id: fc.constant('r'),
      name: fc.constant('host down'),
      sourceMatchers: fc.constant([{ field: 'signature', op: '=' as const, value: 'host_down' }]),
      targetMatchers: fc.constant([{ field: 'signature', op: '!=' as const, value: 'host_down' }]),
      equal: fc.constantFrom(['asset'], []),
      enabled: fc.boolean(),
    }),
    { maxLength: 1 },
  ),
});

const streamArb: fc.Arbitrary<EngineAlert[]> = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 12 }),
      asset: fc.constantFrom('a1', 'a2', 'a3'),
      signature: fc.constantFrom('s1', 's2', 'host_down'),
      instance: fc.constantFrom('i1', 'i2'),
      severity: fc.constantFrom('CRITICAL' as const, 'HIGH' as const, 'LOW' as const),
      resolved: fc.boolean(),
      env: fc.constantFrom('prod', 'dev'),
    }),
    { maxLength: 80 },
  )
  .map((rows) => {
    let t = T0.getTime();
    return rows.map((r, i) => {
      t += r.gap * 60_000;
      return {
        id: BigInt(i + 1),
        fingerprint: `${r.asset}/${r.signature}/${r.instance}`,
        // a3 sends events (GENERIC defaults to EVENT); the others are stateful.
        source: r.asset === 'a3' ? 'GENERIC' : 'NATIVE',
        asset: r.asset,
        signature: r.signature,
        service: null,
        summary: '',
        severity: r.severity,
        status: r.resolved ? ('RESOLVED' as const) : ('FIRING' as const),
        occurredAt: new Date(t),
        labels: { env: r.env },
      };
    });
  });

function run(
  alerts: EngineAlert[],
  config: Partial<CorrelationConfig>,
  rules: RuleSet,
  hooks: { beforeEach?: (e: CorrelationEngine, a: EngineAlert) => void } = {},
) {
  const e = new CorrelationEngine({ config, rules });
  const decisions: AlertDecisionOut[] = [];
  let openKeysOk = true;
  for (const a of alerts) {
    hooks.beforeEach?.(e, a);
    decisions.push(e.decide(a));
    const open = [...e.state.incidents.values()].filter((i) => i.status !== 'RESOLVED');
    if (new Set(open.map((i) => i.key)).size !== open.length) openKeysOk = false;
  }
  const links = e.drain().links;
  return { decisions, incidents: e.incidents(), openKeysOk, links, engine: e };
}

const opts = { numRuns: 300 };

describe('correlation properties', () => {
  it('replaying the same stream gives the same decisions and incidents', () => {
    fc.assert(
      fc.property(streamArb, configArb, rulesArb, (alerts, config, rules) => {
        const a = run(alerts, config, rules);
        const b = run(alerts, config, rules);
        expect(b.decisions).toEqual(a.decisions);
        expect(b.incidents).toEqual(a.incidents);
      }),
      opts,
    );
  });

  it('decides every alert exactly once and the counts add up', () => {
    fc.assert(
      fc.property(streamArb, configArb, rulesArb, (alerts, config, rules) => {
        const { decisions, incidents, openKeysOk } = run(alerts, config, rules);
        expect(decisions.map((d) => d.alertId)).toEqual(alerts.map((a) => a.id));
        const by = (k: string) => decisions.filter((d) => d.decision === k).length;
        expect(
          by('CORRELATED') + by('DEDUPLICATED') + by('SUPPRESSED') + by('INHIBITED') + by('RESOLVED_SIGNAL'),
        ).toBe(alerts.length);
        // suppressed / inhibited alerts never open or join incidents
        for (const d of decisions)
          if (d.decision === 'SUPPRESSED' || d.decision === 'INHIBITED') expect(d.incidentId).toBeNull();
        // each incident's alertCount = the alerts decided into it (+ held alerts linked at opening)
        for (const inc of incidents) {
          const direct = decisions.filter((d) => d.incidentId === inc.id).length;
          expect(inc.alertCount).toBeGreaterThanOrEqual(direct);
          expect(inc.firingCount).toBeGreaterThanOrEqual(0);
        }
        // every incident was opened by exactly one CORRELATED decision
        const opened = decisions.filter(
          (d) => d.reason.rule === 'opened' || d.reason.rule === 'opened-at-minimum',
        );
        expect(opened.length).toBe(incidents.length);
        expect(openKeysOk).toBe(true);
        // resolution happens at or after the last alert of the incident
        for (const inc of incidents)
          if (inc.resolvedAt)
            expect(inc.resolvedAt.getTime()).toBeGreaterThanOrEqual(inc.firstSeenAt.getTime());
      }),
      opts,
    );
  });

  it('alertCount equals direct plus linked alerts', () => {
    fc.assert(
      fc.property(streamArb, configArb, rulesArb, (alerts, config, rules) => {
        const { decisions, incidents, links } = run(alerts, config, rules);
        const linked = new Map<string, number>();
        for (const l of links) linked.set(l.incidentId, (linked.get(l.incidentId) ?? 0) + l.alertIds.length);
        for (const inc of incidents) {
          const direct = decisions.filter((d) => d.incidentId === inc.id).length;
          expect(inc.alertCount).toBe(direct + (linked.get(inc.id) ?? 0));
        }
      }),
      opts,
    );
  });

  it('periodic ticks and compaction do not change any outcome', () => {
    fc.assert(
      fc.property(
        streamArb,
        configArb,
        rulesArb,
        fc.integer({ min: 0, max: 3 }),
        (alerts, config, rules, k) => {
          const plain = run(alerts, config, rules);
          const ticked = run(alerts, config, rules, {
            beforeEach: (e, a) => {
              if (Number(a.id) % (k + 1) === 0) e.tick(a.occurredAt);
              if (Number(a.id) % 5 === 0) e.compact(a.occurredAt);
            },
          });
          expect(ticked.decisions).toEqual(plain.decisions);
          const end = new Date((alerts.at(-1)?.occurredAt ?? T0).getTime() + 10 * 24 * 3600_000);
          plain.engine.tick(end);
          ticked.engine.tick(end);
          expect(ticked.engine.incidents()).toEqual(plain.engine.incidents());
        },
      ),
      opts,
    );
  });
});

describe('event-kind sources: the window and the maximum span bound every incident', () => {
  const eventsOnly = streamArb.map((as) =>
    as.map((a) => ({ ...a, source: 'GENERIC', kind: 'EVENT' as const, status: 'FIRING' as const })),
  );
  it('no incident of events outlives its maximum span, and none stays open once the TTL ran out', () => {
    fc.assert(
      fc.property(eventsOnly, configArb, (alerts, config) => {
        const { engine } = run(alerts, config, { maintenanceWindows: [], silences: [], inhibitionRules: [] });
        const c = engine.ctx.config;
        const ttl = c.eventTtlMinutes ?? c.windowMinutes;
        const last = alerts.at(-1)?.occurredAt ?? T0;
        const end = new Date(last.getTime() + (ttl + c.autoResolveQuietMinutes + 1) * 60_000);
        engine.tick(end);
        for (const inc of engine.incidents()) {
          expect(inc.firingCount).toBe(0);
          expect(inc.status).toBe('RESOLVED');
          const span = inc.resolvedAt!.getTime() - inc.firstSeenAt.getTime();
          expect(span).toBeLessThanOrEqual(c.maxSpanMinutes * 60_000);
          expect(inc.lastSeenAt.getTime()).toBeLessThanOrEqual(inc.resolvedAt!.getTime());
        }
      }),
      opts,
    );
  });
});
