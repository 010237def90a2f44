import { describe, expect, it } from 'vitest';
import { createAppMetrics } from '../../packages/observability/src/metrics.ts';
import { intakeStats, stageTimes, withWorkerTurns, type DbCounters } from './intake-stats.ts';

const counters = (over: Partial<DbCounters>): DbCounters => ({
  commits: 0,
  inserted: {},
  walBytes: 0,
  walRecords: 0,
  walFpi: 0,
  checkpoints: 0,
  ...over,
});

describe('intakeStats', () => {
  it('reports WAL per accepted alert, the full-page share of its records and the checkpoints between the reads', () => {
    const before = counters({
      commits: 10,
      inserted: { Alert: 5 },
      walBytes: 1_000,
      walRecords: 100,
      walFpi: 10,
      checkpoints: 3,
    });
    const after = counters({
      commits: 60,
      inserted: { Alert: 505, Job: 5 },
      walBytes: 2_001_000,
      walRecords: 4_100,
      walFpi: 410,
      checkpoints: 5,
    });
    const s = intakeStats(
      { batches: 1, requests: 10, alerts: 10 },
      { batches: 11, requests: 110, alerts: 510 },
      before,
      after,
      100,
      500,
    );
    expect(s.walBytesPerAlert).toBe(4_000);
    expect(s.walFpiShare).toBe(0.1);
    expect(s.checkpoints).toBe(2);
    expect(s.commits).toBe(10);
    expect(s.requestsPerCommit).toBe(10);
    expect(s.alertsPerCommit).toBe(50);
    expect(s.dbTransactionsPerRequest).toBe(0.5);
    expect(s.rowsPerRequest).toEqual({ Alert: 5, Job: 0.05 });
  });

  it('reports zero, not a division by zero, for a run that accepted nothing', () => {
    const s = intakeStats(null, null, counters({}), counters({ walBytes: 500 }), 0, 0);
    expect(s.walBytesPerAlert).toBe(0);
    expect(s.walFpiShare).toBe(0);
  });
});

describe('stageTimes', () => {
  it("gives the turns' time by stage between two scrapes: each stage's share and its p99", async () => {
    const m = createAppMetrics();
    m.correlationTurn(10, 1, { open: 0.5, write: 0.5 }); // before the run
    const before = await m.render();
    for (let i = 0; i < 10; i++) m.correlationTurn(10, 0.1, { open: 0.01, write: 0.06, link: 0.03 });
    const s = stageTimes(before, await m.render())!;
    expect(s.turns).toBe(10);
    // In the turn's order (TURN_STAGES): the linker decides before the write.
    expect(s.turnStages.map((x) => x.stage)).toEqual(['open', 'link', 'write']);
    expect(s.turnStages.map((x) => x.share)).toEqual([0.1, 0.3, 0.6]);
    // All ten writes fell in the (0.05, 0.1] bucket: p99 interpolated inside it.
    expect(s.turnStages[2]!.p99).toBeCloseTo(99.5, 1);
    // No live event reached the LISTEN session in the window: no figure, rather than a zero.
    expect(s.notifyP99).toBeNull();
    // A worker process's turns replace the web server's, stages included.
    const web = { ...s, turnStages: [] };
    expect(withWorkerTurns(web, s)!.turnStages).toEqual(s.turnStages);
  });

  it("gives the p99 of live events' publication to the publishing statement's answer and to the LISTEN session between two scrapes", async () => {
    const m = createAppMetrics();
    m.realtimeNotified(2); // before the run
    const before = await m.render();
    for (let i = 0; i < 100; i++) m.realtimeNotified(0.03);
    // All hundred fell in the (0.025, 0.05] bucket, none of the one before the run counts.
    expect(stageTimes(before, await m.render())!.notifyP99).toBeCloseTo(49.8, 1);
    expect(stageTimes(before, await m.render())!.publishP99).toBeNull();
    for (let i = 0; i < 100; i++) m.realtimePublished(0.007);
    // (0.005, 0.01]: 9.95 ms interpolated inside it, to one decimal.
    expect(stageTimes(before, await m.render())!.publishP99).toBe(10);
  });

  it('has no stages for an app that reports none', async () => {
    const m = createAppMetrics();
    m.correlationTurn(10, 0.1);
    const s = stageTimes(null, await m.render())!;
    expect(s.turnStages).toEqual([]);
    // Without the process's default metrics there is no event-loop figure, rather than a zero.
    expect(s.loopDelayP99).toBeNull();
    expect(s.loopDelayMax).toBeNull();
  });

  it("reads the event loop's delay between two scrapes: a 120 ms block shows, and the next window starts afresh", async () => {
    const m = createAppMetrics({ defaults: true });
    const before = await m.render();
    const block = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // Timers must run for the monitor to sample: block the loop between two of them.
    await new Promise((r) => setTimeout(r, 30));
    block(120);
    await new Promise((r) => setTimeout(r, 30));
    const blocked = stageTimes(before, await m.render())!;
    expect(blocked.loopDelayMax).toBeGreaterThanOrEqual(100);
    // The scrape reset the monitor: a quiet window after it shows no such delay.
    await new Promise((r) => setTimeout(r, 100));
    const quiet = stageTimes(null, await m.render())!;
    expect(quiet.loopDelayMax).not.toBeNull();
    expect(quiet.loopDelayMax!).toBeLessThan(60);
  });
});
