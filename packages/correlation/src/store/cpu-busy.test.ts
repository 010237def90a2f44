// CpuLoad: the busy share of the CPUs from the kernel's cumulative counters, smoothed over samples.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuLoad, cpuTotals } from './cpu-busy.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('CpuLoad', () => {
  it('moves towards the share of CPU time that was not idle, sample by sample', () => {
    vi.useFakeTimers();
    // Two cores: each 250 ms sample adds 500 ms of CPU time, `idle` of it idle.
    let idle = 0;
    let all = 0;
    let idlePerSample = 500;
    const load = new CpuLoad(250, 0.5, () => {
      return { idle, all };
    });
    const tick = () => {
      idle += idlePerSample;
      all += 500;
      vi.advanceTimersByTime(250);
    };
    expect(load.busy()).toBe(0);
    idlePerSample = 0; // both cores busy
    tick();
    expect(load.busy()).toBeCloseTo(0.5);
    tick();
    expect(load.busy()).toBeCloseTo(0.75);
    for (let i = 0; i < 10; i++) tick();
    expect(load.busy()).toBeGreaterThan(0.99);
    idlePerSample = 250; // one core of two
    for (let i = 0; i < 12; i++) tick();
    expect(load.busy()).toBeCloseTo(0.5, 2);
    load.stop();
    idlePerSample = 500;
    for (let i = 0; i < 4; i++) tick();
    expect(load.busy()).toBeCloseTo(0.5, 2); // stopped: no more samples
  });

  it('reads counters that only grow from the machine', () => {
    const a = cpuTotals();
    const b = cpuTotals();
    expect(a.all).toBeGreaterThan(0);
    expect(a.idle).toBeLessThanOrEqual(a.all);
    expect(b.all).toBeGreaterThanOrEqual(a.all);
  });
});
