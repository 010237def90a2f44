// CpuLoad: the busy share of the CPUs from the kernel's cumulative counters, smoothed over samples;
// cgroupTotals: a container's CPU time against its cgroup v2 limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { CpuLoad, cgroupTotals, cpuTotals } from './cpu-busy.ts';

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

describe('cgroupTotals', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const cgroup = (max: string, usageUsec: number | null) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-cgroup-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'cpu.max'), `${max}\n`);
    const stat = (u: number | null) =>
      fs.writeFileSync(
        path.join(dir, 'cpu.stat'),
        `${u === null ? '' : `usage_usec ${u}\n`}user_usec 1\nsystem_usec 1\n`,
      );
    stat(usageUsec);
    return { dir, stat };
  };

  it('measures the container’s CPU time against its limit', () => {
    // A limit of two CPUs (200 ms per 100 ms period); one CPU's worth used over 250 ms.
    const { dir, stat } = cgroup('200000 100000', 1_000_000);
    let t = 10_000;
    const read = cgroupTotals(dir, () => t)!;
    expect(read).not.toBeNull();
    const a = read();
    t += 250;
    stat(1_000_000 + 250_000);
    const b = read();
    expect(b.all - a.all).toBeCloseTo(500);
    expect(1 - (b.idle - a.idle) / (b.all - a.all)).toBeCloseTo(0.5);
    // Both limit CPUs busy.
    t += 250;
    stat(1_250_000 + 500_000);
    const c = read();
    expect(1 - (c.idle - b.idle) / (c.all - b.all)).toBeCloseTo(1);
  });

  it('leaves the host’s counters in charge without a limit or a cgroup', () => {
    expect(cgroupTotals(cgroup('max 100000', 5).dir)).toBeNull();
    expect(cgroupTotals(cgroup('200000 100000', null).dir)).toBeNull();
    expect(cgroupTotals(path.join(os.tmpdir(), 'aw-no-such-cgroup'))).toBeNull();
  });

  it('keeps the last share when the counters cannot be read', () => {
    vi.useFakeTimers();
    let fail = false;
    let n = 0;
    const load = new CpuLoad(250, 1, () => {
      if (fail) throw new Error('gone');
      n += 500;
      return { idle: 0, all: n };
    });
    vi.advanceTimersByTime(250);
    expect(load.busy()).toBe(1);
    fail = true;
    vi.advanceTimersByTime(1000);
    expect(load.busy()).toBe(1);
    load.stop();
  });
});
