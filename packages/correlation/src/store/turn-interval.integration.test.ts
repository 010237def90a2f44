// minTurnIntervalMs: a company that keeps up waits out the interval before its next turn (the
// alerts of the gap are decided together), a company with a backlog goes on at once, and another
// company is not held back by the one waiting. turnIntervalFactor: while the CPUs are busy the
// interval grows with the last turn's duration, and falls back to the floor when they are not.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant, storeAlerts } from '../testing/fixtures.ts';
import { lockCompany } from './sql.ts';
import { CorrelationWorker } from './worker.ts';

const T0 = Date.now() - 3600_000;
const at = (min: number) => new Date(T0 + min * 60_000);
const quiet = { error() {}, warn() {} };
const GAP = 1500;

describe.each(inject('pgTargets'))('minimum interval between a company’s turns on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let worker: CorrelationWorker;
  const turns: { companyId: string; decided: number; start: number }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    tenant = await createTenant(pool);
    worker = new CorrelationWorker({
      pool,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      concurrency: 1,
      batchSize: 2,
      minTurnIntervalMs: GAP,
      logger: quiet,
      onTurn: (t) => turns.push({ ...t, start: performance.now() - t.seconds * 1000 }),
    });
  });
  afterAll(async () => {
    await worker.stop();
    await pool.end();
    await db.drop();
  });

  const store = (companyId: string, n: number, tag: string) =>
    storeAlerts(
      pool,
      tenant.mspId,
      companyId,
      Array.from({ length: n }, (_, i) => ({
        asset: `${tag}${i}`,
        signature: 'disk_full',
        occurredAt: at(i),
      })),
    );
  const of = (companyId: string) => turns.filter((t) => t.companyId === companyId);

  it('holds the next turn of a company that keeps up, and decides the gap’s alerts together', async () => {
    const a = await tenant.company('Steady Co');
    const c = await tenant.company('Other Co');
    await store(a, 1, 'a');
    expect(await worker.drainCompany(a)).toBe(1);
    // Two more alerts of A, handed over one by one right after its turn, and one of C.
    await store(a, 1, 'b');
    const second = worker.drainCompany(a);
    await store(a, 1, 'c');
    void worker.drainCompany(a);
    await store(c, 1, 'x');
    expect(await worker.drainCompany(c)).toBe(1);
    expect(await second).toBe(2);
    const [t1, t2] = of(a);
    expect(of(a)).toHaveLength(2); // one turn for both alerts of the gap
    expect(t2!.decided).toBe(2);
    expect(t2!.start - t1!.start).toBeGreaterThanOrEqual(GAP - 5);
    // C was not held back by A's wait: its turn ran before A's second.
    expect(of(c)[0]!.start).toBeLessThan(t2!.start);
  });

  it('lets a company with a backlog go on at once', async () => {
    const b = await tenant.company('Backlog Co');
    await store(b, 5, 'k');
    expect(await worker.drainCompany(b)).toBe(5);
    const ts = of(b);
    expect(ts.map((t) => t.decided)).toEqual([2, 2, 1]);
    expect(ts[2]!.start - ts[0]!.start).toBeLessThan(GAP);
  });

  it('spaces the turns by a multiple of the last one’s duration while the CPUs are busy', async () => {
    const FLOOR = 50;
    const HOLD = 600;
    let busy = 1;
    const seen: { decided: number; start: number; ms: number }[] = [];
    const w = new CorrelationWorker({
      pool,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      minTurnIntervalMs: FLOOR,
      turnIntervalFactor: 2,
      cpuBusy: () => busy,
      logger: quiet,
      onTurn: (t) =>
        seen.push({ decided: t.decided, start: performance.now() - t.seconds * 1000, ms: t.seconds * 1000 }),
    });
    const s = await tenant.company('Slow Co');
    let n = 0;
    const one = async () => {
      await store(s, 1, `s${n++}-`);
      return w.drainCompany(s);
    };
    // A slow turn: another session holds the company's correlation lock for HOLD ms.
    const slow = async () => {
      const holder = await pool.connect();
      await holder.query('BEGIN');
      await lockCompany(holder, s);
      const turn = one();
      await new Promise((r) => setTimeout(r, HOLD));
      await holder.query('COMMIT');
      holder.release();
      return turn;
    };
    try {
      expect(await slow()).toBe(1);
      // Busy: the next alert waits out twice that turn's duration, well beyond the floor…
      expect(await one()).toBe(1);
      // …and after a quick turn the wait falls back towards the floor.
      expect(await one()).toBe(1);
      // Idle CPUs: after a slow turn the next one waits only for the floor.
      busy = 0;
      expect(await slow()).toBe(1);
      expect(await one()).toBe(1);
      expect(seen.map((t) => t.decided)).toEqual([1, 1, 1, 1, 1]);
      const [t1, t2, t3, t4, t5] = seen as [
        (typeof seen)[0],
        (typeof seen)[0],
        (typeof seen)[0],
        (typeof seen)[0],
        (typeof seen)[0],
      ];
      expect(t1.ms).toBeGreaterThanOrEqual(HOLD / 2);
      expect(t2.start - t1.start).toBeGreaterThanOrEqual(2 * t1.ms - 5);
      expect(t2.ms).toBeLessThan(t1.ms / 2);
      expect(t3.start - t2.start).toBeGreaterThanOrEqual(Math.max(FLOOR, 2 * t2.ms) - 5);
      expect(t3.start - t2.start).toBeLessThan(2 * t1.ms);
      expect(t4.ms).toBeGreaterThanOrEqual(HOLD / 2);
      expect(t5.start - t4.start).toBeLessThan(1.5 * t4.ms);
    } finally {
      await w.stop();
    }
  });
});
