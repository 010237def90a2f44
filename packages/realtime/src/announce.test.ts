import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isRealtimeEventType } from './events.ts';
import {
  createIntakeAnnouncer,
  incidentChangeEvent,
  situationChangeEvents,
  type IncidentChange,
} from './announce.ts';

const base: IncidentChange = {
  type: 'incident.created',
  mspId: 'm1',
  companyId: 'c1',
  incidentId: 'i1',
  title: 'port_scan on fw-1',
  status: 'OPEN',
  severity: 'HIGH',
  alertCount: 1,
};

describe('situation events', () => {
  it('an incident change that formed, joined or closed a situation announces it to its company', () => {
    for (const change of ['created', 'joined', 'updated', 'closed'] as const) {
      expect(situationChangeEvents({ ...base, situationId: 's1', situationChange: change })).toEqual([
        {
          type: 'situation.changed',
          mspId: 'm1',
          companyId: 'c1',
          payload: { situationId: 's1', incidentId: 'i1', change },
        },
      ]);
    }
    expect(isRealtimeEventType('situation.changed')).toBe(true);
  });

  it('a change that did nothing to a situation announces none, and the incident event is unchanged', () => {
    expect(situationChangeEvents(base)).toEqual([]);
    expect(situationChangeEvents({ ...base, situationId: 's1' })).toEqual([]);
    expect(situationChangeEvents({ ...base, situationId: null, situationChange: 'closed' })).toEqual([]);
    expect(incidentChangeEvent({ ...base, situationId: 's1', situationChange: 'created' })).toEqual(
      incidentChangeEvent(base),
    );
  });
});

describe('intake announcements', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => BigInt(i + 1));
  function setup(firstAlertAt: Date | null = null) {
    const sent: { type: string; companyId: string | null; payload: unknown; at: number }[] = [];
    /** The statements: how many events each publication carried. */
    const statements: number[] = [];
    const pool = {
      query: async (_sql: string, [companies]: [string[]]) => ({
        rows: companies.map((id) => ({ id, mspId: `msp-of-${id}`, firstAlertAt })),
      }),
    } as unknown as pg.Pool;
    const announce = createIntakeAnnouncer({
      pool,
      coalesceMs: 50,
      publish: async (e) => {
        statements.push(1);
        sent.push({ type: e.type, companyId: e.companyId ?? null, payload: e.payload, at: Date.now() });
        return null;
      },
      publishMany: async (es) => {
        statements.push(es.length);
        for (const e of es)
          sent.push({ type: e.type, companyId: e.companyId ?? null, payload: e.payload, at: Date.now() });
      },
    });
    const received = (c: string) =>
      sent.filter((e) => e.type === 'alert.received' && e.companyId === c).map((e) => e.payload);
    return { sent, announce, received, statements };
  }
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('announces the first batch at once and sums the batches of the next 50 ms into one event', async () => {
    const { announce, received, sent } = setup();
    await announce([{ companyId: 'c1', alertIds: ids(1) }]);
    expect(received('c1')).toEqual([{ received: 1 }]);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(5);
      await announce([{ companyId: 'c1', alertIds: ids(2) }]);
    }
    expect(received('c1')).toEqual([{ received: 1 }]);
    await vi.advanceTimersByTimeAsync(25);
    expect(received('c1')).toEqual([{ received: 1 }, { received: 10 }]);
    expect(sent[1]!.at - sent[0]!.at).toBe(50);
    // A batch right after the held one went out waits for the next window; a quiet spell does not.
    await announce([{ companyId: 'c1', alertIds: ids(3) }]);
    expect(received('c1')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(50);
    expect(received('c1')).toEqual([{ received: 1 }, { received: 10 }, { received: 3 }]);
    await vi.advanceTimersByTimeAsync(500);
    await announce([{ companyId: 'c1', alertIds: ids(4) }]);
    expect(received('c1')).toEqual([{ received: 1 }, { received: 10 }, { received: 3 }, { received: 4 }]);
  });

  it("publishes many companies' counts in one statement per window, each company's count kept", async () => {
    // An MSP's 100 clients, an alert a second each, evenly spread: one batch every 10 ms.
    const { announce, received, statements } = setup();
    const companies = Array.from({ length: 100 }, (_, i) => `c${i}`);
    for (let round = 0; round < 2; round++)
      for (const c of companies) {
        await announce([{ companyId: c, alertIds: ids(1) }]);
        await vi.advanceTimersByTimeAsync(10);
      }
    await vi.advanceTimersByTimeAsync(100);
    for (const c of companies)
      expect(received(c).reduce<number>((s, p) => s + (p as { received: number }).received, 0)).toBe(2);
    // 200 batches over 2 s: one statement per 50 ms window (41), not one per batch.
    expect(statements.length).toBeLessThanOrEqual(41);
    expect(statements.reduce((s, n) => s + n, 0)).toBe(200);
    expect(statements[0]).toBe(1);
  });

  it('keeps companies apart, loses no count, and never holds back a first alert', async () => {
    const { announce, received, sent } = setup(new Date('2026-11-29T11:59:30Z'));
    let total = 0;
    for (let i = 0; i < 40; i++) {
      const n = (i % 3) + 1;
      total += n;
      await announce([
        { companyId: 'c1', alertIds: ids(n) },
        { companyId: 'c2', alertIds: ids(1) },
      ]);
      await vi.advanceTimersByTimeAsync(7);
    }
    await vi.advanceTimersByTimeAsync(100);
    const sum = (c: string) =>
      received(c).reduce<number>((s, p) => s + (p as { received: number }).received, 0);
    expect(sum('c1')).toBe(total);
    expect(sum('c2')).toBe(40);
    // 40 batches over 280 ms: one event per 50 ms window, not one per batch.
    expect(received('c1').length).toBeLessThanOrEqual(8);
    expect(sent.filter((e) => e.type === 'alert.received' && e.companyId === 'c1')[0]!.payload).toEqual({
      received: 1,
    });
    const firsts = sent.filter((e) => e.type === 'onboarding.first_alert');
    expect(firsts.map((e) => e.companyId)).toEqual(['c1', 'c2']);
    expect(firsts.every((e) => e.at === new Date('2026-11-29T12:00:00Z').getTime())).toBe(true);
  });
});
