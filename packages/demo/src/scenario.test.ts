import { describe, expect, it } from 'vitest';
import { CorrelationEngine, type EngineAlert } from '@aw/correlation/engine';
import { demoScenario } from './scenario.ts';

const end = new Date('2026-03-02T12:00:00Z');
const companies = ['acme', 'globex', 'initech'];

describe('demo scenario', () => {
  const alerts = demoScenario({ companies, end });

  it('is a realistic MSP mix: hundreds of assets, repeats, flapping, host_down, maintenance, resolutions', () => {
    expect(alerts.length).toBeGreaterThan(900);
    expect(alerts.length).toBeLessThan(1100);
    expect(new Set(alerts.map((a) => `${a.company}/${a.asset}`)).size).toBeGreaterThan(300);
    const hero = alerts.filter((a) => a.asset === 'server-prod-01' && a.signature === 'disk_full');
    expect(hero).toHaveLength(10);
    expect(hero.at(-1)!.occurredAt.getTime() - hero[0]!.occurredAt.getTime()).toBeLessThan(5 * 60_000);
    expect(alerts.filter((a) => a.signature === 'host_down' && a.status === 'firing')).toHaveLength(6);
    expect(alerts.filter((a) => a.signature === 'http_check_failed')).toHaveLength(3 * 3 * 8);
    expect(alerts.filter((a) => a.asset.includes('-db-maint-'))).toHaveLength(3 * 16);
    expect(alerts.filter((a) => a.status === 'resolved').length).toBeGreaterThan(100);
    expect(alerts.every((a) => a.occurredAt <= end)).toBe(true);
    expect(demoScenario({ companies, end })).toEqual(alerts); // seeded: the same every time
  });

  it('shifts asset names per run so a second stream starts new problems', () => {
    const next = demoScenario({ companies, end, run: 1 });
    expect(next.some((a) => a.asset === 'acme-srv-100')).toBe(true);
    expect(next.some((a) => a.asset === 'acme-srv-000')).toBe(false);
  });

  it('lands in the 40-70 % noise-reduction band on default settings (pure engine)', () => {
    const engine = new CorrelationEngine({
      rules: {
        maintenanceWindows: [
          {
            id: 'mw',
            name: 'db patching',
            matchers: [{ field: 'asset', op: '=~', value: '.*-db-maint-.*' }],
            startsAt: new Date(end.getTime() - 4 * 3600_000),
            endsAt: new Date(end.getTime() + 3600_000),
            recurrence: null,
            timezone: 'UTC',
          },
        ],
        silences: [],
        inhibitionRules: [
          {
            id: 'r',
            name: 'host down',
            sourceMatchers: [{ field: 'signature', op: '=', value: 'host_down' }],
            targetMatchers: [{ field: 'signature', op: '!=', value: 'host_down' }],
            equal: ['asset'],
            enabled: true,
          },
        ],
      },
    });
    const input: EngineAlert[] = alerts.map((a, i) => ({
      id: BigInt(i + 1),
      fingerprint: `${a.company}/${a.asset}/${a.signature}/${JSON.stringify(a.labels)}`,
      source: 'NATIVE',
      asset: a.asset,
      signature: a.signature,
      service: a.service ?? null,
      summary: a.summary,
      severity: a.severity.toUpperCase() as EngineAlert['severity'],
      status: a.status === 'firing' ? 'FIRING' : 'RESOLVED',
      occurredAt: a.occurredAt,
      labels: a.labels,
    }));
    // one engine per company, as the worker runs per company
    let incidents = 0;
    const by: Record<string, number> = {};
    for (const c of companies) {
      const e = new CorrelationEngine({ rules: engine.ctx.rules });
      const out = e.process(input.filter((_, i) => alerts[i]!.company === c));
      for (const d of out) by[d.decision] = (by[d.decision] ?? 0) + 1;
      incidents += e.incidents().length;
    }
    const nr = 1 - incidents / alerts.length;
    expect(nr).toBeGreaterThan(0.4);
    expect(nr).toBeLessThan(0.7);
    expect(by.SUPPRESSED).toBe(48);
    expect(by.INHIBITED).toBe(24);
  });
});
