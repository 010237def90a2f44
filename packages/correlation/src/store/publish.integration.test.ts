// The worker hands incident events to its listeners beside the decision turns: a listener that is
// slow (or stuck) does not hold back the decisions, one incident's events still arrive in order,
// and a turn waits for the listeners once `maxUnpublished` events are queued. Batch listeners get a
// turn's events at once; the live push gets them as soon as the turn commits.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createTenant, storeAlerts, type StoredAlertInput } from '../testing/fixtures.ts';
import { TURN_STAGES, type IncidentChangedEvent, type TurnStages } from './apply.ts';
import { CorrelationWorker } from './worker.ts';

const T0 = new Date('2026-03-02T10:00:00Z').getTime();
const at = (min: number) => new Date(T0 + min * 60_000);

/** Three hosts, each firing and resolving: every incident gets a created and a resolved event. */
const STREAM: StoredAlertInput[] = ['a', 'b', 'c'].flatMap((h, i) => [
  { asset: `host-${h}`, occurredAt: at(i) },
  { asset: `host-${h}`, status: 'RESOLVED' as const, occurredAt: at(10 + i) },
]);

describe.each(inject('pgTargets'))('incident events beside the decisions on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    tenant = await createTenant(pool);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const pending = async (companyId: string) =>
    Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM "Alert" WHERE "companyId" = $1 AND decision = 'PENDING'`,
          [companyId],
        )
      ).rows[0]!.n,
    );

  it('a stuck listener does not hold back the decisions; each incident gets its events in order', async () => {
    const c = await tenant.company('Stuck listener');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: IncidentChangedEvent[] = [];
    const worker = new CorrelationWorker({
      pool,
      batchSize: 1,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      onIncidentChanged: async (e) => {
        await gate;
        seen.push(e);
      },
    });
    await storeAlerts(pool, tenant.mspId, c, STREAM);
    // One alert per turn: every turn after the first has events queued behind the stuck listener.
    expect(await worker.drainCompany(c)).toBe(STREAM.length);
    expect(await pending(c)).toBe(0);
    expect(seen).toEqual([]);
    release();
    await worker.idle();
    await worker.stop();
    const byIncident = new Map<string, string[]>();
    for (const e of seen) byIncident.set(e.incidentId, [...(byIncident.get(e.incidentId) ?? []), e.type]);
    expect([...byIncident.values()]).toEqual([
      ['incident.created', 'incident.resolved'],
      ['incident.created', 'incident.resolved'],
      ['incident.created', 'incident.resolved'],
    ]);
  });

  it('past maxUnpublished queued events, the next turn waits for the listeners', async () => {
    const c = await tenant.company('Back-pressure');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let delivered = 0;
    const worker = new CorrelationWorker({
      pool,
      batchSize: 1,
      maxUnpublished: 1,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      onIncidentChanged: async () => {
        await gate;
        delivered++;
      },
    });
    await storeAlerts(pool, tenant.mspId, c, STREAM);
    const drained = worker.drainCompany(c);
    // The first two turns queue two events: the second turn then waits, so alerts stay pending.
    const deadline = Date.now() + 20_000;
    while ((await pending(c)) > STREAM.length - 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pending(c)).toBe(STREAM.length - 2);
    release();
    expect(await drained).toBe(STREAM.length);
    await worker.stop();
    expect(delivered).toBe(6);
  });

  it("batch listeners: the live push gets each turn's events as it commits, the rest in order, turns that waited together", async () => {
    const c = await tenant.company('Batch listeners');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const live: string[][] = [];
    const batches: IncidentChangedEvent[][] = [];
    const worker = new CorrelationWorker({
      pool,
      batchSize: 1,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      onIncidentsDecided: (es) => {
        live.push(es.map((e) => `${e.incidentId}:${e.type}`));
      },
      onIncidentsChanged: async (es) => {
        await gate;
        batches.push(es);
      },
    });
    await storeAlerts(pool, tenant.mspId, c, STREAM);
    // Six turns of one alert; the stuck batch listener holds back neither the turns nor the push.
    expect(await worker.drainCompany(c)).toBe(STREAM.length);
    await vi.waitFor(() => expect(live).toHaveLength(STREAM.length));
    expect(batches).toEqual([]);
    release();
    await worker.idle();
    await worker.stop();
    // The same events the live push had, in turn order: the first turn's call (held at the gate),
    // then the five turns that committed meanwhile in one call, not one call per turn.
    expect(batches.flat().map((e) => `${e.incidentId}:${e.type}`)).toEqual(live.flat());
    expect(batches.map((b) => b.length)).toEqual([live[0]!.length, live.slice(1).flat().length]);
    const types = batches.flat().map((e) => e.type);
    expect(types.filter((t) => t === 'incident.created')).toHaveLength(3);
    expect(types.filter((t) => t === 'incident.resolved')).toHaveLength(3);
  });

  it('windows: the first turn after a quiet spell goes out at once, the turns within the window after it in one call at its end', async () => {
    const c = await tenant.company('Windows');
    const WINDOW = 2000;
    const live: { at: number; events: string[] }[] = [];
    const batches: { at: number; events: string[] }[] = [];
    const key = (e: IncidentChangedEvent) => `${e.incidentId}:${e.type}`;
    const worker = new CorrelationWorker({
      pool,
      batchSize: 1,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      liveWindowMs: WINDOW,
      listenerWindowMs: WINDOW,
      onIncidentsDecided: (es) => {
        live.push({ at: performance.now(), events: es.map(key) });
      },
      onIncidentsChanged: (es) => {
        batches.push({ at: performance.now(), events: es.map(key) });
      },
    });
    await storeAlerts(pool, tenant.mspId, c, STREAM);
    // Six turns of one alert, all within the window that the first one's call opened.
    const started = performance.now();
    expect(await worker.drainCompany(c)).toBe(STREAM.length);
    expect(performance.now() - started).toBeLessThan(WINDOW);
    await worker.idle();
    for (const calls of [live, batches]) {
      expect(calls).toHaveLength(2);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(WINDOW - 1);
      const types = calls.flatMap((x) => x.events).map((k) => k.split(':')[1]);
      expect(types.filter((t) => t === 'incident.created')).toHaveLength(3);
      expect(types.filter((t) => t === 'incident.resolved')).toHaveLength(3);
    }
    expect(live.map((x) => x.events)).toEqual(batches.map((x) => x.events));
    // After a quiet spell as long as the window, a turn's events go out at once, not at a window's end.
    await new Promise((r) => setTimeout(r, WINDOW));
    await storeAlerts(pool, tenant.mspId, c, [{ asset: 'host-d', occurredAt: at(20) }]);
    const decided = performance.now();
    expect(await worker.drainCompany(c)).toBe(1);
    await vi.waitFor(() => expect(live).toHaveLength(3), { timeout: WINDOW / 2 });
    await vi.waitFor(() => expect(batches).toHaveLength(3), { timeout: WINDOW / 2 });
    expect(live[2]!.at - decided).toBeLessThan(WINDOW / 2);
    await worker.stop();
  });

  it('reports each committed turn to onTurn: the alerts it decided and how long it took', async () => {
    const c = await tenant.company('Turn report');
    const turns: { companyId: string; decided: number; seconds: number }[] = [];
    const pendingAtReport: number[] = [];
    const worker = new CorrelationWorker({
      pool,
      batchSize: 4,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      onTurn: (t) => {
        turns.push(t);
        void pending(c).then((n) => pendingAtReport.push(n));
      },
    });
    await storeAlerts(pool, tenant.mspId, c, STREAM);
    const started = performance.now();
    expect(await worker.drainCompany(c)).toBe(STREAM.length);
    const elapsed = (performance.now() - started) / 1000;
    await worker.stop();
    // Six alerts, four per turn: two turns, then one that finds nothing (not reported).
    expect(turns.map((t) => t.decided)).toEqual([4, 2]);
    expect(turns.every((t) => t.companyId === c)).toBe(true);
    expect(turns.every((t) => t.seconds > 0 && t.seconds <= elapsed)).toBe(true);
    // Reported after the commit: what a turn decided is no longer PENDING for anyone.
    await vi.waitFor(() => expect(pendingAtReport).toHaveLength(2));
    expect(pendingAtReport[0]).toBeLessThanOrEqual(2);
    expect(pendingAtReport[1]).toBe(0);
  });

  it("reports where each turn's time went, stage by stage, adding up to no more than the turn", async () => {
    const c = await tenant.company('Turn stages');
    const turns: { decided: number; seconds: number; stages?: TurnStages }[] = [];
    const worker = new CorrelationWorker({
      pool,
      batchSize: 4,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      onTurn: (t) => void turns.push(t),
    });
    await storeAlerts(pool, tenant.mspId, c, STREAM);
    expect(await worker.drainCompany(c)).toBe(STREAM.length);
    await worker.stop();
    expect(turns).toHaveLength(2);
    for (const t of turns) {
      expect(Object.keys(t.stages ?? {}).sort()).toEqual([...TURN_STAGES].sort());
      const stages = Object.values(t.stages!);
      expect(stages.every((s) => s >= 0)).toBe(true);
      // Every stage that waits for PostgreSQL took time; the stages are laps of the same turn.
      for (const k of ['open', 'read', 'state', 'write', 'link', 'commit'] as const)
        expect(t.stages![k]).toBeGreaterThan(0);
      const sum = stages.reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(t.seconds + 1e-9);
    }
  });

  it('a throwing onTurn is logged and the turns go on', async () => {
    const c = await tenant.company('Turn report throws');
    const warn = vi.fn();
    const worker = new CorrelationWorker({
      pool,
      batchSize: 2,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      logger: { error: vi.fn(), warn },
      onTurn: () => {
        throw new Error('metrics down');
      },
    });
    await storeAlerts(pool, tenant.mspId, c, STREAM);
    expect(await worker.drainCompany(c)).toBe(STREAM.length);
    await worker.stop();
    expect(await pending(c)).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('onTurn failed: metrics down'));
  });
});
