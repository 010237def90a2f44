import { beforeEach, describe, expect, it } from 'vitest';
import { CorrelationEngine } from './engine.ts';
import { correlationKey, fieldValue, matcherMatches, matcherProblem, validKeyTemplate } from './fields.ts';
import type { CorrelationConfig, RuleSet } from './types.ts';
import { alert, at, resetIds } from '../testing/engine-alerts.ts';

const engine = (config: Partial<CorrelationConfig> = {}, rules?: RuleSet) =>
  new CorrelationEngine({ config, rules });

beforeEach(resetIds);

describe('dedup stage', () => {
  it('folds repeats of a firing identity into its incident', () => {
    const e = engine();
    const out = e.process(Array.from({ length: 10 }, (_, i) => alert({ min: i * 0.5 })));
    expect(out.map((d) => d.decision)).toEqual(['CORRELATED', ...Array(9).fill('DEDUPLICATED')]);
    const [inc] = e.incidents();
    expect(e.incidents()).toHaveLength(1);
    expect(inc).toMatchObject({ alertCount: 10, firingCount: 1, status: 'OPEN' });
    expect(out[3]!.reason).toMatchObject({ stage: 'dedup', rule: 'fingerprint-firing', incidentId: inc!.id });
  });

  it('treats a repeated resolve as a duplicate', () => {
    const e = engine({ autoResolveQuietMinutes: 10 });
    const out = e.process([
      alert({ min: 0 }),
      alert({ min: 1, status: 'RESOLVED' }),
      alert({ min: 2, status: 'RESOLVED' }),
    ]);
    expect(out.map((d) => d.decision)).toEqual(['CORRELATED', 'RESOLVED_SIGNAL', 'DEDUPLICATED']);
    expect(out[2]!.reason.rule).toBe('repeated-resolve');
  });

  it('does not dedup into a resolved incident', () => {
    const e = engine();
    const out = e.process([alert({ min: 0 }), alert({ min: 1, status: 'RESOLVED' }), alert({ min: 2 })]);
    expect(out.map((d) => d.decision)).toEqual(['CORRELATED', 'RESOLVED_SIGNAL', 'CORRELATED']);
    expect(out[2]!.incidentId).not.toBe(out[0]!.incidentId);
  });
});

describe('group stage: correlation key', () => {
  it('builds keys from any normalized field or label', () => {
    const a = alert({ asset: 'h1', signature: 'cpu', service: 'api', labels: { env: 'prod' } });
    expect(correlationKey('asset|signature', a)).toBe('h1|cpu');
    expect(correlationKey('service|signature', a)).toBe('api|cpu');
    expect(correlationKey('label:env|signature', a)).toBe('prod|cpu');
    expect(correlationKey('label:missing', a)).toBe('');
    expect(validKeyTemplate('asset|label:env')).toBe(true);
    expect(validKeyTemplate('asset|bogus')).toBe(false);
  });

  it('correlates the same check failing on many hosts with service|signature', () => {
    const e = engine({ aggregationKey: 'service|signature' });
    const out = e.process(
      ['h1', 'h2', 'h3'].map((h, i) => alert({ asset: h, signature: 'http_5xx', service: 'shop', min: i })),
    );
    expect(new Set(out.map((d) => d.incidentId)).size).toBe(1);
    expect(out[0]!.correlationKey).toBe('shop|http_5xx');
  });

  it('keeps different keys apart and takes the highest severity', () => {
    const e = engine();
    const out = e.process([
      alert({ fingerprint: 'a', severity: 'LOW', min: 0 }),
      alert({ fingerprint: 'b', severity: 'CRITICAL', min: 1 }),
      alert({ fingerprint: 'c', severity: 'MEDIUM', min: 2 }),
      alert({ signature: 'cpu_high', min: 3 }),
    ]);
    expect(new Set(out.map((d) => d.incidentId)).size).toBe(2);
    const inc = e.incidents().find((i) => i.signature === 'disk_full')!;
    expect(inc).toMatchObject({ severity: 'CRITICAL', alertCount: 3, firingCount: 3 });
  });
});

describe('incident decision', () => {
  it('auto-resolves when every alert resolved, and a resolved incident never absorbs', () => {
    const e = engine();
    const out = e.process([
      alert({ fingerprint: 'a', min: 0 }),
      alert({ fingerprint: 'b', min: 1 }),
      alert({ fingerprint: 'a', min: 2, status: 'RESOLVED' }),
      alert({ fingerprint: 'b', min: 3, status: 'RESOLVED' }),
      alert({ fingerprint: 'a', min: 4 }),
    ]);
    const [first, second] = e.incidents();
    expect(first).toMatchObject({
      status: 'RESOLVED',
      resolution: 'AUTO',
      resolvedAt: at(3),
      firingCount: 0,
    });
    expect(second).toMatchObject({ status: 'OPEN', firstSeenAt: at(4) });
    expect(out[4]!.incidentId).toBe(second!.id);
  });

  it('waits out the quiet period; a re-fire within it and within the window rejoins', () => {
    const e = engine({ autoResolveQuietMinutes: 10 });
    e.process([alert({ min: 0 }), alert({ min: 1, status: 'RESOLVED' })]);
    expect(e.incidents()[0]!.status).toBe('OPEN');
    const out = e.process([alert({ min: 5 })]);
    expect(out[0]!.reason.rule).toBe('window');
    e.process([alert({ min: 6, status: 'RESOLVED' })]);
    e.tick(at(15));
    expect(e.incidents()[0]!.status).toBe('OPEN');
    e.tick(at(16));
    expect(e.incidents()[0]).toMatchObject({ status: 'RESOLVED', resolvedAt: at(16), resolution: 'AUTO' });
  });

  it('a quiet incident past its window is superseded by a new one', () => {
    const e = engine({ autoResolveQuietMinutes: 60, windowMinutes: 15 });
    const out = e.process([alert({ min: 0 }), alert({ min: 1, status: 'RESOLVED' }), alert({ min: 20 })]);
    const incs = e.incidents();
    expect(incs).toHaveLength(2);
    expect(incs[0]).toMatchObject({ status: 'RESOLVED', resolvedAt: at(20) });
    expect(out[2]!.reason.rule).toBe('opened');
  });

  it('an open incident with firing alerts holds its key past the window', () => {
    const e = engine({ windowMinutes: 5 });
    const out = e.process([alert({ fingerprint: 'a', min: 0 }), alert({ fingerprint: 'b', min: 30 })]);
    expect(out[1]).toMatchObject({ incidentId: out[0]!.incidentId, decision: 'CORRELATED' });
    expect(out[1]!.reason.rule).toBe('still-firing');
  });

  it('rolling windows extend with each alert up to the maximum span', () => {
    const e = engine({ windowMode: 'ROLLING', windowMinutes: 10, maxSpanMinutes: 25 });
    e.process([alert({ fingerprint: 'a', min: 0 })]);
    expect(e.incidents()[0]!.windowEnd).toEqual(at(10));
    e.process([alert({ fingerprint: 'b', min: 8 })]);
    expect(e.incidents()[0]!.windowEnd).toEqual(at(18));
    e.process([alert({ fingerprint: 'c', min: 17 })]);
    expect(e.incidents()[0]!.windowEnd).toEqual(at(25));
  });

  it('fixed windows do not move', () => {
    const e = engine({ windowMinutes: 10 });
    e.process([alert({ fingerprint: 'a', min: 0 }), alert({ fingerprint: 'b', min: 8 })]);
    expect(e.incidents()[0]!.windowEnd).toEqual(at(10));
  });

  it('waits for the minimum number of alerts, then links the held ones', () => {
    const e = engine({ minAlertsToOpen: 3, windowMinutes: 10 });
    const out = e.process([
      alert({ fingerprint: 'a', min: 0 }),
      alert({ fingerprint: 'b', min: 12 }), // first group expired: starts a new one
      alert({ fingerprint: 'c', min: 13 }),
      alert({ fingerprint: 'd', min: 14 }),
    ]);
    expect(out.map((d) => d.incidentId)).toEqual([null, null, null, expect.any(String)]);
    expect(out.map((d) => d.decision)).toEqual(Array(4).fill('CORRELATED'));
    expect(out[1]!.reason.rule).toBe('held-below-minimum');
    const ch = e.state.drain();
    expect(ch.links).toEqual([
      { incidentId: out[3]!.incidentId, alertIds: [out[1]!.alertId, out[2]!.alertId] },
    ]);
    expect(ch.created[0]).toMatchObject({ alertCount: 3, firingCount: 3, windowStart: at(12) });
  });

  it('auto-closes incidents of sources that never resolve', () => {
    const e = engine({ autoCloseAfterMinutes: 60 });
    e.process([alert({ min: 0 }), alert({ min: 30 })]);
    e.tick(at(89));
    expect(e.incidents()[0]!.status).toBe('OPEN');
    e.tick(at(200));
    expect(e.incidents()[0]).toMatchObject({ status: 'RESOLVED', resolvedAt: at(90), resolution: 'AUTO' });
    expect(e.incidents()[0]!.resolutionNote).toMatch(/auto-close/);
  });

  it('holds a flapping incident open instead of churning', () => {
    const e = engine({ flapThreshold: 4, flapWindowMinutes: 30 });
    const seq = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => alert({ min: m, status: m % 2 ? 'RESOLVED' : 'FIRING' }));
    const out = e.process(seq);
    const ids = new Set(out.filter((d) => d.incidentId).map((d) => d.incidentId));
    // fire/resolve twice churns two incidents; the 4th transition marks the third flapping
    expect(ids.size).toBe(3);
    const last = e.incidents().at(-1)!;
    expect(last).toMatchObject({ flapping: true, status: 'OPEN', firingCount: 0 });
    expect(out[6]!.incidentId).toBe(out[4]!.incidentId);
    e.tick(at(36));
    expect(last.status).toBe('OPEN');
    e.tick(at(37));
    expect(last).toMatchObject({ flapping: false, status: 'RESOLVED', resolvedAt: at(37) });
  });
});

describe('suppress stage', () => {
  const mw = (p: Partial<RuleSet['maintenanceWindows'][number]>): RuleSet => ({
    maintenanceWindows: [
      {
        id: 'mw1',
        name: 'patching',
        matchers: [{ field: 'asset', op: '=~', value: 'server-prod-.*' }],
        startsAt: at(0),
        endsAt: at(60),
        recurrence: null,
        timezone: 'UTC',
        ...p,
      },
    ],
    silences: [],
    inhibitionRules: [],
  });

  it('suppresses matching alerts inside a one-off window only', () => {
    const e = engine({}, mw({}));
    const out = e.process([
      alert({ min: 10 }),
      alert({ asset: 'db-01', min: 11 }),
      alert({ min: 61, fingerprint: 'other' }),
    ]);
    expect(out.map((d) => d.decision)).toEqual(['SUPPRESSED', 'CORRELATED', 'CORRELATED']);
    expect(out[0]!.reason).toMatchObject({
      stage: 'suppress',
      rule: 'maintenance',
      ruleId: 'mw1',
      incidentId: null,
    });
  });

  it('applies weekly recurrence in the window time zone', () => {
    // Mondays 11:00-12:00 Europe/Berlin (UTC+1 in March 2026 before DST) = 10:00-11:00 UTC
    const rules = mw({
      startsAt: new Date('2026-01-01T00:00:00Z'),
      endsAt: new Date('2027-01-01T00:00:00Z'),
      recurrence: { kind: 'weekly', days: [1], start: '11:00', durationMinutes: 60 },
      timezone: 'Europe/Berlin',
    });
    const e = engine({}, rules);
    const out = e.process([
      alert({ min: 5, fingerprint: 'x' }),
      alert({ min: 65, fingerprint: 'y' }),
      alert({ min: 5 + 24 * 60, fingerprint: 'z' }), // Tuesday
      alert({ min: 5 + 7 * 24 * 60, fingerprint: 'w' }), // next Monday
    ]);
    expect(out.map((d) => d.decision)).toEqual(['SUPPRESSED', 'CORRELATED', 'CORRELATED', 'SUPPRESSED']);
  });

  it('applies cron recurrence with a duration', () => {
    const rules = mw({
      startsAt: new Date('2026-01-01T00:00:00Z'),
      endsAt: new Date('2027-01-01T00:00:00Z'),
      recurrence: { kind: 'cron', expr: '30 9 * * 1-5', durationMinutes: 45 },
    });
    const e = engine({}, rules);
    const out = e.process([
      alert({ min: 10, fingerprint: 'a' }), // 10:10 Monday, window 9:30-10:15
      alert({ min: 16, fingerprint: 'b' }), // 10:16
      alert({ min: -31, fingerprint: 'c' }), // 9:29
    ]);
    expect(out.map((d) => d.decision)).toEqual(['SUPPRESSED', 'CORRELATED', 'CORRELATED']);
  });

  it('silences until they expire', () => {
    const rules: RuleSet = {
      maintenanceWindows: [],
      silences: [
        {
          id: 's1',
          matchers: [{ field: 'signature', op: '=', value: 'disk_full' }],
          startsAt: at(0),
          endsAt: at(30),
          comment: 'known issue',
        },
      ],
      inhibitionRules: [],
    };
    const e = engine({}, rules);
    const out = e.process([alert({ min: 1 }), alert({ min: 29 }), alert({ min: 30 })]);
    expect(out.map((d) => d.decision)).toEqual(['SUPPRESSED', 'SUPPRESSED', 'CORRELATED']);
    expect(out[0]!.reason).toMatchObject({ rule: 'silence', ruleId: 's1' });
  });
});

describe('inhibit stage', () => {
  const hostDown: RuleSet = {
    maintenanceWindows: [],
    silences: [],
    inhibitionRules: [
      {
        id: 'r1',
        name: 'host down mutes its services',
        sourceMatchers: [{ field: 'signature', op: '=', value: 'host_down' }],
        targetMatchers: [{ field: 'signature', op: '!=', value: 'host_down' }],
        equal: ['asset'],
        enabled: true,
      },
    ],
  };

  it('host_down inhibits other signatures on the same asset while it fires', () => {
    const e = engine({}, hostDown);
    const out = e.process([
      alert({ asset: 'web-01', signature: 'host_down', min: 0 }),
      alert({ asset: 'web-01', signature: 'http_down', min: 1 }),
      alert({ asset: 'web-02', signature: 'http_down', min: 1 }),
      alert({ asset: 'web-01', signature: 'host_down', status: 'RESOLVED', min: 5 }),
      alert({ asset: 'web-01', signature: 'ssh_down', min: 6 }),
    ]);
    expect(out.map((d) => d.decision)).toEqual([
      'CORRELATED',
      'INHIBITED',
      'CORRELATED',
      'RESOLVED_SIGNAL',
      'CORRELATED',
    ]);
    expect(out[1]!.reason).toMatchObject({
      stage: 'inhibit',
      ruleId: 'r1',
      sourceFingerprint: 'web-01/host_down',
    });
  });

  it('ignores disabled rules and follows the two-sided exception', () => {
    const twoSided: RuleSet = {
      ...hostDown,
      inhibitionRules: [
        {
          id: 'r2',
          name: 'critical mutes warning',
          sourceMatchers: [{ field: 'label:team', op: '=', value: 'ops' }],
          targetMatchers: [{ field: 'label:team', op: '=', value: 'ops' }],
          equal: [],
          enabled: true,
        },
      ],
    };
    const e = engine({}, twoSided);
    const out = e.process([
      alert({ fingerprint: 'a', labels: { team: 'ops' }, min: 0 }),
      alert({ fingerprint: 'b', labels: { team: 'ops' }, min: 1 }),
    ]);
    expect(out[1]!.decision).toBe('CORRELATED');
    const disabled = engine(
      {},
      { ...hostDown, inhibitionRules: [{ ...hostDown.inhibitionRules[0]!, enabled: false }] },
    );
    const out2 = disabled.process([
      alert({ asset: 'x', signature: 'host_down', min: 0 }),
      alert({ asset: 'x', signature: 'cpu', min: 1 }),
    ]);
    expect(out2[1]!.decision).toBe('CORRELATED');
  });
});

describe('matchers', () => {
  const a = alert({ asset: 'server-prod-01', labels: { env: 'prod' } });
  it('supports =, !=, anchored =~ and !~', () => {
    expect(matcherMatches(a, { field: 'asset', op: '=', value: 'server-prod-01' })).toBe(true);
    expect(matcherMatches(a, { field: 'asset', op: '!=', value: 'server-prod-01' })).toBe(false);
    expect(matcherMatches(a, { field: 'asset', op: '=~', value: 'server' })).toBe(false);
    expect(matcherMatches(a, { field: 'asset', op: '=~', value: 'server-.*' })).toBe(true);
    expect(matcherMatches(a, { field: 'label:env', op: '!~', value: 'dev|test' })).toBe(true);
    expect(matcherMatches(a, { field: 'env', op: '=', value: 'prod' })).toBe(true);
    expect(matcherMatches(a, { field: 'asset', op: '=~', value: '(' })).toBe(false);
  });

  it('runs regular expressions on RE2: (a+)+$ on 35 × a + ! decides, and invalid RE2 never holds (!~ too)', () => {
    const evil = alert({ asset: 'a'.repeat(35) + '!' });
    expect(matcherMatches(evil, { field: 'asset', op: '=~', value: '(a+)+$' })).toBe(false);
    expect(matcherMatches(evil, { field: 'asset', op: '!~', value: '(a+)+$' })).toBe(true);
    expect(
      matcherMatches(alert({ asset: 'a'.repeat(35) }), { field: 'asset', op: '=~', value: '(a+)+$' }),
    ).toBe(true);
    for (const value of ['(?=x)', '(a)\\1', '('])
      for (const op of ['=~', '!~'] as const)
        expect(matcherMatches(a, { field: 'asset', op, value })).toBe(false);
    expect(matcherProblem({ field: 'asset', op: '!~', value: '(?!x)' })).toMatch(/not valid RE2 syntax/);
    expect(matcherProblem({ field: 'asset', op: '=', value: '(?!x)' })).toBeNull();
  });

  it('reads label names as own labels only: constructor, toString, __proto__', () => {
    const bare = alert({ labels: {} });
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(fieldValue(bare, `label:${name}`)).toBe('');
      expect(fieldValue(bare, name)).toBe('');
      expect(matcherMatches(bare, { field: `label:${name}`, op: '=', value: '' })).toBe(true);
    }
    const own = alert({
      labels: Object.fromEntries([
        ['constructor', 'c1'],
        ['__proto__', 'p1'],
      ]),
    });
    expect(fieldValue(own, 'label:constructor')).toBe('c1');
    expect(fieldValue(own, '__proto__')).toBe('p1');
    expect(correlationKey('label:constructor|label:toString|signature', own)).toBe('c1||disk_full');
  });
});
