import { describe, expect, it } from 'vitest';
import { intakeStats, type DbCounters } from './intake-stats.ts';

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
