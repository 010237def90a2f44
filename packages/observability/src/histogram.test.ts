import { describe, expect, it } from 'vitest';
import { createAppMetrics } from './metrics.ts';
import { histogramDelta, histogramQuantile, readHistogram } from './histogram.ts';

describe('histograms read back from /metrics', () => {
  it('reads the buckets of one histogram and not of another with the same prefix', async () => {
    const m = createAppMetrics();
    m.commitBatch(1, 1, 0.004);
    m.intakeWrite(0.3);
    const h = readHistogram(await m.render(), 'aw_ingest_commit_seconds')!;
    expect(h.count).toBe(1);
    expect(h.sum).toBeCloseTo(0.004);
    expect(h.buckets.find((b) => b.le === 0.0025)!.count).toBe(0);
    expect(h.buckets.find((b) => b.le === 0.005)!.count).toBe(1);
    expect(h.buckets.at(-1)).toEqual({ le: Infinity, count: 1 });
    expect(readHistogram(await m.render(), 'aw_no_such_histogram')).toBeNull();
  });

  it('reads one labelled series of a histogram, and the unlabelled one only without labels', async () => {
    const m = createAppMetrics();
    m.correlationTurn(5, 0.05, { open: 0.002, link: 0.03 });
    m.correlationTurn(5, 0.05, { open: 0.004, link: 0.04 });
    const text = await m.render();
    const link = readHistogram(text, 'aw_correlation_turn_stage_seconds', { stage: 'link' })!;
    expect(link.count).toBe(2);
    expect(link.sum).toBeCloseTo(0.07);
    expect(link.buckets.find((b) => b.le === 0.025)!.count).toBe(0);
    expect(link.buckets.find((b) => b.le === 0.05)!.count).toBe(2);
    const open = readHistogram(text, 'aw_correlation_turn_stage_seconds', { stage: 'open' })!;
    expect(open.sum).toBeCloseTo(0.006);
    expect(open.buckets.find((b) => b.le === 0.0025)!.count).toBe(1);
    expect(readHistogram(text, 'aw_correlation_turn_stage_seconds', { stage: 'commit' })).toBeNull();
    // A labelled histogram has no unlabelled series; an unlabelled one has no labelled series.
    expect(readHistogram(text, 'aw_correlation_turn_stage_seconds')).toBeNull();
    expect(readHistogram(text, 'aw_correlation_turn_seconds', { stage: 'link' })).toBeNull();
    expect(readHistogram(text, 'aw_correlation_turn_seconds')!.count).toBe(2);
  });

  it('gives what happened between two scrapes, and its quantiles as Prometheus estimates them', async () => {
    const m = createAppMetrics();
    for (let i = 0; i < 10; i++) m.correlationTurn(10, 2); // before the run: slow turns
    const before = readHistogram(await m.render(), 'aw_correlation_turn_seconds');
    // The run: 90 turns between 10 and 25 ms, 10 between 50 and 100 ms.
    for (let i = 0; i < 90; i++) m.correlationTurn(10, 0.02);
    for (let i = 0; i < 10; i++) m.correlationTurn(10, 0.08);
    const run = histogramDelta(before, readHistogram(await m.render(), 'aw_correlation_turn_seconds')!);
    expect(run.count).toBe(100);
    expect(run.sum).toBeCloseTo(90 * 0.02 + 10 * 0.08);
    // Rank 50 of 100 lies in the (0.01, 0.025] bucket that holds 90: 0.01 + 0.015 × 50/90.
    expect(histogramQuantile(run, 0.5)).toBeCloseTo(0.01 + (0.015 * 50) / 90, 6);
    // Rank 99 lies in (0.05, 0.1], which holds the last 10: 0.05 + 0.05 × 9/10.
    expect(histogramQuantile(run, 0.99)).toBeCloseTo(0.095, 6);
    // The slow turns before the run are not part of it.
    expect(histogramQuantile(run, 1)).toBeLessThanOrEqual(0.1);
  });

  it('has no quantile without samples, and caps a rank in +Inf at the highest finite bound', () => {
    const empty = {
      buckets: [
        { le: 1, count: 0 },
        { le: Infinity, count: 0 },
      ],
      count: 0,
      sum: 0,
    };
    expect(histogramQuantile(empty, 0.99)).toBeNull();
    const overflow = {
      buckets: [
        { le: 1, count: 1 },
        { le: 10, count: 1 },
        { le: Infinity, count: 5 },
      ],
      count: 5,
      sum: 100,
    };
    expect(histogramQuantile(overflow, 0.99)).toBe(10);
    expect(() => histogramQuantile(overflow, 1.5)).toThrow(RangeError);
  });
});
