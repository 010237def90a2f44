// Bounded correlation per company: the decision budget cuts a batch and the company goes to the
// back of the queue; a poisoned alert (its decision throws, or alone overruns the budget) is
// marked FAILED with the reason after N attempts and never picked again, while every other alert
// of the same and other companies is decided.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant, storeAlerts } from '../testing/fixtures.ts';
import { decideAlert } from '../engine/pipeline.ts';
import { q } from './sql.ts';
import { CorrelationWorker } from './worker.ts';

const T0 = Date.now() - 3600_000;
const at = (min: number) => new Date(T0 + min * 60_000);
const quiet = { error() {}, warn() {} };

describe.each(inject('pgTargets'))('decision budget and poisoned alerts on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let otherTenant: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
    tenant = await createTenant(pool);
    otherTenant = await createTenant(pool);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  async function rows(companyId: string) {
    const r = await q<{
      id: bigint;
      signature: string;
      decision: string;
      attempts: number;
      reason: Record<string, unknown>;
    }>(
      pool,
      `SELECT id, signature, decision::text, "decisionAttempts" AS attempts, "decisionReason" AS reason
         FROM "Alert" WHERE "companyId" = $1 ORDER BY id`,
      [companyId],
    );
    return r.rows;
  }

  it('a decision that throws: FAILED with the reason after 3 attempts, not picked again, the rest decided', async () => {
    const a = await tenant.company('Poisoned Co');
    const a2 = await tenant.company('Same MSP Co');
    const b = await otherTenant.company('Other MSP Co');
    await storeAlerts(pool, tenant.mspId, a, [
      { asset: 'h1', signature: 'disk_full', occurredAt: at(0) },
      { asset: 'h2', signature: 'poison', occurredAt: at(1) },
      { asset: 'h3', signature: 'cpu_high', occurredAt: at(2) },
    ]);
    await storeAlerts(pool, tenant.mspId, a2, [{ asset: 's1', signature: 'disk_full', occurredAt: at(0) }]);
    await storeAlerts(pool, otherTenant.mspId, b, [
      { asset: 'o1', signature: 'disk_full', occurredAt: at(0) },
    ]);
    let poisonCalls = 0;
    const worker = new CorrelationWorker({
      pool,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      logger: quiet,
      budget: {
        maxAttempts: 3,
        decide: (state, alert, ctx) => {
          if (alert.signature === 'poison') {
            poisonCalls++;
            throw new Error('boom in a stage');
          }
          return decideAlert(state, alert, ctx);
        },
      },
    });
    await worker.sweep();
    await worker.idle();

    const ra = await rows(a);
    expect(ra.map((r) => [r.signature, r.decision])).toEqual([
      ['disk_full', 'CORRELATED'],
      ['poison', 'FAILED'],
      ['cpu_high', 'CORRELATED'],
    ]);
    expect(ra[1]).toMatchObject({
      attempts: 3,
      reason: {
        stage: 'failed',
        rule: 'decision-failed',
        attempts: 3,
        explanation: 'decision threw: boom in a stage',
      },
    });
    expect(poisonCalls).toBe(3);
    expect((await rows(a2)).map((r) => r.decision)).toEqual(['CORRELATED']);
    expect((await rows(b)).map((r) => r.decision)).toEqual(['CORRELATED']);

    // Never picked again: a later sweep finds nothing to do, and the poison is not retried.
    expect(await worker.sweep()).toBe(0);
    await storeAlerts(pool, tenant.mspId, a, [{ asset: 'h4', signature: 'late', occurredAt: at(3) }]);
    expect(await worker.drainCompany(a)).toBe(1);
    expect(poisonCalls).toBe(3);
    expect((await rows(a)).map((r) => r.decision)).toEqual([
      'CORRELATED',
      'FAILED',
      'CORRELATED',
      'CORRELATED',
    ]);
    await worker.stop();
  });

  it('a decision that alone overruns the limit for one alert counts as a failed attempt; FAILED after 3', async () => {
    const a = await tenant.company('Slow Co');
    await storeAlerts(pool, tenant.mspId, a, [
      { asset: 'h1', signature: 'slow', occurredAt: at(0) },
      { asset: 'h2', signature: 'slowish', occurredAt: at(1) },
      { asset: 'h3', signature: 'disk_full', occurredAt: at(2) },
    ]);
    let t = 0;
    const worker = new CorrelationWorker({
      pool,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      logger: quiet,
      budget: {
        budgetMs: 50,
        alertLimitMs: 500,
        maxAttempts: 3,
        now: () => (t += 1),
        decide: (state, alert, ctx) => {
          if (alert.signature === 'slow') t += 1000; // this decision "takes" a second
          if (alert.signature === 'slowish') t += 100; // over the batch budget, under the limit
          return decideAlert(state, alert, ctx);
        },
      },
    });
    await worker.drainCompany(a);
    const r = await rows(a);
    expect(r.map((x) => [x.signature, x.decision, x.attempts])).toEqual([
      ['slow', 'FAILED', 3],
      ['slowish', 'CORRELATED', 0],
      ['disk_full', 'CORRELATED', 0],
    ]);
    expect(String(r[0]!.reason.explanation)).toMatch(
      /^decision took \d+ ms, over the 500 ms limit for one alert$/,
    );
    await worker.stop();
  });

  it('a spent budget defers the rest of the batch and the other company goes first', async () => {
    const big = await tenant.company('Backlog Co');
    const small = await otherTenant.company('Small Co');
    await storeAlerts(
      pool,
      tenant.mspId,
      big,
      Array.from({ length: 6 }, (_, i) => ({ asset: `b${i}`, signature: 'disk_full', occurredAt: at(i) })),
    );
    await storeAlerts(
      pool,
      otherTenant.mspId,
      small,
      Array.from({ length: 2 }, (_, i) => ({ asset: `s${i}`, signature: 'disk_full', occurredAt: at(i) })),
    );
    const order: string[] = [];
    let t = 0;
    const worker = new CorrelationWorker({
      pool,
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      concurrency: 1,
      logger: quiet,
      budget: {
        // Every clock read advances 10 "ms": a batch decides 2 alerts, then the budget is spent.
        budgetMs: 35,
        now: () => (t += 10),
        decide: (state, alert, ctx) => {
          order.push(alert.asset[0]!);
          return decideAlert(state, alert, ctx);
        },
      },
    });
    const both = Promise.all([worker.drainCompany(big), worker.drainCompany(small)]);
    expect(await both).toEqual([6, 2]);
    expect(order.join('')).toBe('bbssbbbb');
    expect(worker.deferredTurns).toBe(2); // b: 2 + 2 deferred, then the last 2
    expect((await rows(big)).every((r) => r.decision !== 'PENDING')).toBe(true);
    await worker.stop();
  });
});
