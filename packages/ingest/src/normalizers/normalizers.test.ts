import { AppError } from '@aw/core/errors';
import { describe, expect, it } from 'vitest';
import { fixture } from '../fixtures/index.ts';
import { finalizeAlerts } from '../fingerprint.ts';
import { parseJsonBody } from '../util.ts';
import { normalizeAlertmanager } from './alertmanager.ts';
import { normalizeGeneric, parsePath, previewGenericMapping } from './generic.ts';
import { normalizeGrafana } from './grafana.ts';
import { normalizeNative } from './native.ts';
import { normalizePagerDuty } from './pagerduty.ts';

const ctx = { receivedAt: new Date('2026-11-26T21:00:00Z') };

function problem(fn: () => unknown): { field: string; reason: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('BAD_REQUEST');
    return (e as AppError).problems[0]!;
  }
  throw new Error('expected a 400');
}

async function asyncProblem(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    expect((e as AppError).code).toBe('BAD_REQUEST');
    return (e as AppError).problems[0]!;
  }
  throw new Error('expected a 400');
}

describe('alertmanager', () => {
  it('maps a firing group of two alerts', async () => {
    const out = normalizeAlertmanager(fixture('alertmanager-firing'), ctx);
    expect(out.alerts).toHaveLength(2);
    const [a] = out.alerts;
    expect(a).toMatchObject({
      source: 'ALERTMANAGER',
      asset: 'web-01:9100',
      signature: 'HighCPU',
      severity: 'CRITICAL',
      status: 'FIRING',
      service: 'node',
      summary: 'CPU above 95% for 10 minutes',
    });
    expect(a!.occurredAt.toISOString()).toBe('2026-11-26T20:00:00.000Z');
    expect(out.alerts[1]!.occurredAt.toISOString()).toBe('2026-11-26T20:01:30.123Z');
    expect(out.info).toEqual({ truncatedAlerts: 0 });
  });

  it('gives firing and resolved the same fingerprint and different dedup keys', async () => {
    const [firing] = await finalizeAlerts(normalizeAlertmanager(fixture('alertmanager-firing'), ctx).alerts);
    const [resolved] = await finalizeAlerts(
      normalizeAlertmanager(fixture('alertmanager-resolved'), ctx).alerts,
    );
    expect(resolved!.status).toBe('RESOLVED');
    expect(resolved!.occurredAt.toISOString()).toBe('2026-11-26T20:25:00.000Z');
    expect(resolved!.fingerprint).toBe(firing!.fingerprint);
    expect(resolved!.dedupKey).not.toBe(firing!.dedupKey);
    const [again] = await finalizeAlerts(normalizeAlertmanager(fixture('alertmanager-firing'), ctx).alerts);
    expect(again!.dedupKey).toBe(firing!.dedupKey);
  });

  it('reports truncated alerts', () => {
    const out = normalizeAlertmanager(fixture('alertmanager-truncated'), ctx);
    expect(out.info).toEqual({ truncatedAlerts: 7 });
    expect(out.alerts[0]).toMatchObject({
      severity: 'MEDIUM',
      asset: 'db-01:9100',
      summary: 'Disk /var on db-01 is 91% full',
    });
  });

  it('rejects wrong shapes with field and reason', () => {
    const good = fixture('alertmanager-firing');
    expect(problem(() => normalizeAlertmanager({ ...good, version: '3' }, ctx)).field).toBe('version');
    expect(problem(() => normalizeAlertmanager({ ...good, alerts: {} }, ctx)).field).toBe('alerts');
    const bad = structuredClone(good) as { alerts: Record<string, unknown>[] };
    bad.alerts[1]!.startsAt = 'yesterday';
    expect(problem(() => normalizeAlertmanager(bad, ctx))).toEqual({
      field: 'alerts[1].startsAt',
      reason: expect.stringContaining('RFC 3339'),
    });
    bad.alerts[1]!.startsAt = '2026-11-26T20:00:00Z';
    bad.alerts[1]!.status = 'pending';
    expect(problem(() => normalizeAlertmanager(bad, ctx)).field).toBe('alerts[1].status');
    bad.alerts[1]!.status = 'resolved';
    expect(problem(() => normalizeAlertmanager(bad, ctx)).field).toBe('alerts[1].endsAt');
    bad.alerts[1]!.labels = { alertname: ['x'] };
    expect(problem(() => normalizeAlertmanager(bad, ctx)).field).toBe('alerts[1].labels.alertname');
    expect(problem(() => normalizeAlertmanager({ ...good, truncatedAlerts: -1 }, ctx)).field).toBe(
      'truncatedAlerts',
    );
  });
});

describe('grafana', () => {
  it('maps firing and resolved with offsets and values', async () => {
    const f = normalizeGrafana(fixture('grafana-firing'), ctx);
    expect(f.alerts[0]).toMatchObject({
      source: 'GRAFANA',
      asset: 'api-03',
      signature: 'API latency high',
      severity: 'HIGH',
      status: 'FIRING',
    });
    expect(f.alerts[0]!.occurredAt.toISOString()).toBe('2026-11-26T20:00:00.000Z');
    expect((f.alerts[0]!.raw as { values: unknown }).values).toEqual({ B: 2.3, C: 1 });
    expect((f.alerts[0]!.raw as { group: { orgId: number } }).group.orgId).toBe(1);
    const r = normalizeGrafana(fixture('grafana-resolved'), ctx);
    expect(r.alerts[0]!.status).toBe('RESOLVED');
    const [ff, rr] = await finalizeAlerts([f.alerts[0]!, r.alerts[0]!]);
    expect(ff!.fingerprint).toBe(rr!.fingerprint);
  });
});

describe('pagerduty', () => {
  it('maps a trigger with custom details and keeps the routing key out of raw', async () => {
    const out = await normalizePagerDuty(fixture('pagerduty-trigger'), ctx);
    expect(out.info).toEqual({ dedup_key: 'srv01/mysql-replication' });
    expect(out.alerts[0]).toMatchObject({
      source: 'PAGERDUTY',
      asset: 'srv01.example.com',
      signature: 'replication_lag',
      severity: 'CRITICAL',
      status: 'FIRING',
      service: 'prod-datapipe',
      annotations: { lag_seconds: '412', replica: 'srv02' },
    });
    expect(out.alerts[0]!.occurredAt.toISOString()).toBe('2026-11-26T20:30:00.000Z');
    expect(JSON.stringify(out.alerts[0]!.raw)).not.toContain('ROUTING_KEY');
  });

  it('resolve matches the trigger by fingerprint; acknowledge stores nothing', async () => {
    const t = await normalizePagerDuty(fixture('pagerduty-trigger'), ctx);
    const r = await normalizePagerDuty(fixture('pagerduty-resolve'), ctx);
    const [ft, fr] = await finalizeAlerts([t.alerts[0]!, r.alerts[0]!]);
    expect(fr!.status).toBe('RESOLVED');
    expect(fr!.fingerprint).toBe(ft!.fingerprint);
    const ack = await normalizePagerDuty(
      { ...fixture('pagerduty-resolve'), event_action: 'acknowledge' },
      ctx,
    );
    expect(ack.alerts).toHaveLength(0);
  });

  it('generates a stable dedup_key for a trigger without one', async () => {
    const { dedup_key: _d, ...body } = fixture('pagerduty-trigger');
    const a = await normalizePagerDuty(body, ctx);
    const b = await normalizePagerDuty({ ...body, routing_key: 'another' }, ctx);
    expect(a.info!.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(b.info!.dedup_key).toBe(a.info!.dedup_key);
  });

  it('rejects invalid events', async () => {
    const good = fixture('pagerduty-trigger');
    expect((await asyncProblem(() => normalizePagerDuty({ ...good, event_action: 'fire' }, ctx))).field).toBe(
      'event_action',
    );
    const p = good.payload as Record<string, unknown>;
    expect(
      (await asyncProblem(() => normalizePagerDuty({ ...good, payload: { ...p, severity: 'high' } }, ctx)))
        .field,
    ).toBe('payload.severity');
    expect(
      (await asyncProblem(() => normalizePagerDuty({ ...good, payload: { ...p, summary: '' } }, ctx))).field,
    ).toBe('payload.summary');
    expect(
      (await asyncProblem(() => normalizePagerDuty({ ...good, payload: { ...p, timestamp: 'soon' } }, ctx)))
        .field,
    ).toBe('payload.timestamp');
    expect(
      (await asyncProblem(() => normalizePagerDuty({ routing_key: 'x', event_action: 'resolve' }, ctx)))
        .field,
    ).toBe('dedup_key');
  });
});

describe('native', () => {
  it('maps one alert, a batch and a bare array', () => {
    const one = normalizeNative({ asset: 'h1', signature: 's1' }, ctx);
    expect(one.alerts[0]).toMatchObject({
      severity: 'MEDIUM',
      status: 'FIRING',
      timeFromSender: false,
      summary: 's1 on h1',
    });
    const batch = normalizeNative(fixture('native-batch'), ctx);
    expect(batch.alerts.map((a) => a.status)).toEqual(['FIRING', 'FIRING', 'RESOLVED']);
    expect(batch.alerts[1]!.occurredAt.toISOString()).toBe('2026-11-26T20:00:00.000Z');
    expect(normalizeNative([{ asset: 'a', signature: 'b' }], ctx).alerts).toHaveLength(1);
  });

  it('rejects bad fields, empty and oversized batches', () => {
    expect(problem(() => normalizeNative({ signature: 's' }, ctx))).toEqual({
      field: 'body.asset',
      reason: 'is required',
    });
    expect(problem(() => normalizeNative({ asset: 1, signature: 's' }, ctx)).reason).toContain(
      'must be a string',
    );
    expect(
      problem(() => normalizeNative({ alerts: [{ asset: 'a', signature: 's', severity: 'urgent' }] }, ctx))
        .field,
    ).toBe('alerts[0].severity');
    expect(
      problem(() =>
        normalizeNative(
          { alerts: [{ asset: 'a', signature: 's', occurredAt: '2026-13-45T99:00:00Z' }] },
          ctx,
        ),
      ).field,
    ).toBe('alerts[0].occurredAt');
    expect(
      problem(() => normalizeNative({ alerts: [{ asset: 'a', signature: 's', occurredAt: -5e15 }] }, ctx))
        .field,
    ).toBe('alerts[0].occurredAt');
    expect(problem(() => normalizeNative({ alerts: [] }, ctx)).field).toBe('alerts');
    const many = Array.from({ length: 501 }, (_, i) => ({ asset: `a${i}`, signature: 's' }));
    expect(problem(() => normalizeNative({ alerts: many }, ctx)).reason).toContain('at most 500');
    expect(problem(() => normalizeNative('hello', ctx)).field).toBe('body');
  });

  it('rejects what PostgreSQL cannot store', () => {
    expect(problem(() => parseJsonBody('{"asset":"a\\u0000b"}')).field).toBe('$.asset');
    expect(problem(() => parseJsonBody('{"asset":"\\ud800"}')).field).toBe('$.asset');
    expect(problem(() => parseJsonBody('{"asset":')).field).toBe('body');
    expect(parseJsonBody('{"ok":"\\ud83d\\ude00"}')).toEqual({ ok: '😀' });
  });
});

describe('generic mapping', () => {
  const zabbix = {
    event: {
      id: '8812',
      host: { name: 'db-07' },
      trigger: 'Free disk space is less than 10%',
      severity: 'Disaster',
      value: 'PROBLEM',
      clock: '1795723200',
    },
    tags: { env: 'prod', team: 'dba' },
  };
  const mapping = {
    asset: 'event.host.name',
    signature: 'event.trigger',
    severity: 'event.severity',
    status: 'event.value',
    time: 'event.clock',
    fingerprint: 'event.id',
    labels: 'tags',
    statusMap: { PROBLEM: 'firing', OK: 'resolved' },
  };

  it('maps a Zabbix-style payload through field paths', () => {
    const out = normalizeGeneric(zabbix, ctx, mapping);
    expect(out.alerts[0]).toMatchObject({
      source: 'GENERIC',
      asset: 'db-07',
      signature: 'Free disk space is less than 10%',
      severity: 'CRITICAL',
      status: 'FIRING',
      labels: { env: 'prod', team: 'dba' },
      identity: 'fp:8812',
    });
    const ok = normalizeGeneric({ ...zabbix, event: { ...zabbix.event, value: 'OK' } }, ctx, mapping);
    expect(ok.alerts[0]!.status).toBe('RESOLVED');
  });

  it('maps batches through `items`, literals and bracket paths', () => {
    const out = normalizeGeneric(
      {
        series: [
          { 'host.name': 'h1', check: 'ping' },
          { 'host.name': 'h2', check: 'ping' },
        ],
      },
      ctx,
      { items: 'series', asset: '["host.name"]', signature: 'check', severity: '=low' },
    );
    expect(out.alerts.map((a) => [a.asset, a.severity])).toEqual([
      ['h1', 'LOW'],
      ['h2', 'LOW'],
    ]);
    expect(parsePath('a.b[2]["c.d"]')).toEqual(['a', 'b', 2, 'c.d']);
    expect(parsePath('a..b')).toBeNull();
  });

  it('says which path is missing and validates the mapping itself', () => {
    expect(problem(() => normalizeGeneric({ event: {} }, ctx, mapping)).reason).toContain('mapping.asset');
    expect(
      problem(() => normalizeGeneric(zabbix, ctx, { ...mapping, severityMap: { x: 'purple' } })).field,
    ).toBe('mapping.severityMap.x');
    expect(problem(() => normalizeGeneric(zabbix, ctx, { signature: 'a' } as never)).field).toBe(
      'mapping.asset',
    );
    const pv = previewGenericMapping(mapping, zabbix);
    expect(pv.ok).toBe(true);
    const bad = previewGenericMapping({ ...mapping, asset: 'nope.nothing' }, zabbix);
    expect(bad.ok).toBe(false);
  });
});

describe('inherited object members', () => {
  it('are never mistaken for severities or mapping entries, and __proto__ labels are kept', async () => {
    for (const word of ['constructor', 'valueOf', 'toString', '__proto__'])
      expect(problem(() => normalizeNative({ asset: 'a', signature: 's', severity: word }, ctx)).field).toBe(
        'body.severity',
      );
    const pd = fixture('pagerduty-trigger');
    await expect(
      normalizePagerDuty({ ...pd, payload: { ...(pd.payload as object), severity: 'valueOf' } }, ctx),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const out = normalizeNative(
      parseJsonBody('{"asset":"a","signature":"s","labels":{"__proto__":"x","b":"y"}}'),
      ctx,
    );
    expect(Object.keys(out.alerts[0]!.labels)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(out.alerts[0]!.labels)).toBe(Object.prototype);
    expect(
      problem(() =>
        normalizeGeneric({ h: 'a', s: 'b', sev: 'constructor' }, ctx, {
          asset: 'h',
          signature: 's',
          severity: 'sev',
        }),
      ).field,
    ).toBe('sev');
  });
});
