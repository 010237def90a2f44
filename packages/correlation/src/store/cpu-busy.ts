// How busy the machine's CPUs have been over the last second or so, for the correlation worker's
// turn spacing (worker.ts, turnIntervalFactor): the share of CPU time not idle across all cores,
// from the kernel's cumulative per-core counters (os.cpus(): /proc/stat on Linux), sampled on a
// timer of its own and smoothed. Sampled only as turns end, it read busy at a paced load that left
// a quarter of the CPUs idle: a turn's own work filled most of the span since the previous sample.
// In a container with a CPU limit (cgroup v2 `cpu.max`), os.cpus() describes the host, so the share
// is the container's CPU time against its limit instead (`cpu.stat` usage_usec).
import fs from 'node:fs';
import os from 'node:os';

type Totals = { idle: number; all: number };

/** Idle and total CPU time (ms) of all cores since boot. */
export function cpuTotals(): Totals {
  let idle = 0;
  let all = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    idle += t.idle;
    all += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, all };
}

/**
 * The CPU time of the cgroup (v2) mounted at `dir` against its CPU limit, as cumulative totals
 * (ms): `all` is the limit's CPUs times the time passed, `idle` what of it was not used. Null when
 * there is no such cgroup or it has no limit (`cpu.max` "max"): then the host's counters tell.
 */
export function cgroupTotals(dir = '/sys/fs/cgroup', now = () => performance.now()): (() => Totals) | null {
  let cpus: number;
  try {
    const [quota, period] = fs.readFileSync(`${dir}/cpu.max`, 'utf8').trim().split(/\s+/);
    cpus = Number(quota) / Number(period);
  } catch {
    return null;
  }
  if (!Number.isFinite(cpus) || cpus <= 0) return null;
  const used = (): number => {
    const m = /^usage_usec (\d+)$/m.exec(fs.readFileSync(`${dir}/cpu.stat`, 'utf8'));
    if (!m) throw new Error(`${dir}/cpu.stat has no usage_usec`);
    return Number(m[1]) / 1000;
  };
  try {
    used();
  } catch {
    return null;
  }
  return () => {
    const all = now() * cpus;
    return { idle: all - used(), all };
  };
}

export class CpuLoad {
  private last: Totals;
  private share = 0;
  private readonly timer: NodeJS.Timeout;

  /**
   * Samples `read` every `everyMs`; each sample weighs `weight` in the smoothed share. By default
   * `read` is the cgroup's limit where one is set, else the host's counters.
   */
  constructor(everyMs = 250, weight = 0.25, read: () => Totals = cgroupTotals() ?? cpuTotals) {
    this.last = read();
    this.timer = setInterval(() => {
      let t: Totals;
      try {
        t = read();
      } catch {
        return; // a counter that cannot be read now: keep the last share
      }
      const all = t.all - this.last.all;
      if (all > 0) {
        const now = Math.min(1, Math.max(0, 1 - (t.idle - this.last.idle) / all));
        this.share += weight * (now - this.share);
      }
      this.last = t;
    }, everyMs);
    this.timer.unref();
  }

  /** The smoothed busy share of the machine's CPUs (0…1). */
  busy(): number {
    return this.share;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
