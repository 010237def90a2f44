// How busy the machine's CPUs have been over the last second or so, for the correlation worker's
// turn spacing (worker.ts, turnIntervalFactor): the share of CPU time not idle across all cores,
// from the kernel's cumulative per-core counters (os.cpus(): /proc/stat on Linux), sampled on a
// timer of its own and smoothed. Sampled only as turns end, it read busy at a paced load that left
// a quarter of the CPUs idle: a turn's own work filled most of the span since the previous sample.
import os from 'node:os';

/** Idle and total CPU time (ms) of all cores since boot. */
export function cpuTotals(): { idle: number; all: number } {
  let idle = 0;
  let all = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    idle += t.idle;
    all += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, all };
}

export class CpuLoad {
  private last: { idle: number; all: number };
  private share = 0;
  private readonly timer: NodeJS.Timeout;

  /** Samples `read` every `everyMs`; each sample weighs `weight` in the smoothed share. */
  constructor(everyMs = 250, weight = 0.25, read = cpuTotals) {
    this.last = read();
    this.timer = setInterval(() => {
      const t = read();
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
