// Process accounting for the benchmarks, from /proc: CPU time and resident memory of a process and
// all of its descendants, sampled while a run is going on. Linux only, like the rest of the bench.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

function stat(pid: number): { ppid: number; cpuTicks: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    // cutime + cstime: the CPU of the children it has reaped. A process that exits (a PostgreSQL
    // backend whose pool connection was closed, an autovacuum worker) leaves the tree, and its CPU
    // moves into its parent's cutime/cstime: counting both keeps the sum from dropping. Without
    // them the sum fell whenever a busy backend exited, and a quiet run could show negative CPU.
    return { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** `roots` and every process below them. */
export function tree(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(Number(name));
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const queue = [...roots];
  while (queue.length) {
    const pid = queue.pop()!;
    if (stat(pid)) out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * CPU microseconds used so far by the processes of `roots`' trees, including the descendants that
 * have exited and been reaped inside the trees (so the figure never falls between two readings).
 */
export function cpuMicros(roots: number[]): number {
  return tree(roots).reduce((sum, pid) => sum + (stat(pid)?.cpuTicks ?? 0), 0) * TICK_US;
}

/** Samples the summed RSS of `roots`' trees every 200 ms until stopped; returns the peak in MiB. */
export function rssSampler(roots: number[]): { stop(): number } {
  let peak = 0;
  const sample = () => {
    const kb = tree(roots).reduce((s, pid) => s + rssKb(pid), 0);
    if (kb > peak) peak = kb;
  };
  sample();
  const t = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(t);
      sample();
      return Math.round(peak / 1024);
    },
  };
}

/** The PostgreSQL server process listening on `port` (its backends are its children). */
export function postmasterFor(port: number): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!/postgres$/.test(argv[0] ?? '')) continue;
      const i = argv.indexOf('-p');
      if (i >= 0 && Number(argv[i + 1]) === port) return Number(name);
    } catch {
      /* gone */
    }
  }
  return null;
}

/** Summed RSS in MiB of `roots`' trees, now. */
export function rssMiB(roots: number[]): number {
  return Math.round(tree(roots).reduce((s, pid) => s + rssKb(pid), 0) / 1024);
}

export interface RssSample {
  s: number;
  [group: string]: number;
}

/** Samples each group's summed RSS (MiB) every `everyMs` until stopped (the soak's memory curve). */
export function rssSeries(groups: Record<string, number[]>, everyMs = 1000): { stop(): RssSample[] } {
  const samples: RssSample[] = [];
  const t0 = Date.now();
  const sample = () => {
    const s: RssSample = { s: Math.round((Date.now() - t0) / 100) / 10 };
    for (const [name, roots] of Object.entries(groups)) s[name] = rssMiB(roots);
    samples.push(s);
  };
  sample();
  const t = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(t);
      sample();
      return samples;
    },
  };
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den ? num / den : 0;
}

/** Polls `url` until it answers 2xx; fails when `child` exits first or after `timeoutMs`. */
export async function waitFor(url: string, what: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s`);
}

/**
 * Stops `child` (its process group with `group`, by SIGINT as Ctrl-C; else SIGTERM), then SIGKILL
 * after 30 s.
 */
export async function stop(child: ChildProcess | null, group = false) {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    if (group) process.kill(-child.pid, 'SIGINT');
    else child.kill('SIGTERM');
  } catch {
    /* gone */
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  if (child.exitCode === null) {
    try {
      process.kill(group ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
