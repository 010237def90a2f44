// CPU accounting from /proc: a descendant that exits keeps counting (its reaper's cutime/cstime).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuMicros, tree } from './procs.ts';

let shell: ReturnType<typeof spawn> | null = null;
afterEach(() => {
  shell?.kill('SIGKILL');
  shell = null;
});

describe('cpuMicros', () => {
  it('still counts a descendant that burned CPU and exited', async () => {
    // A shell (nearly no CPU of its own) starts a child that spins for 400 ms of CPU and exits;
    // the shell reaps it and then sleeps.
    shell = spawn(
      'sh',
      ['-c', `"${process.execPath}" -e "const t=Date.now(); while (Date.now() - t < 400) {}"; sleep 30`],
      {
        stdio: 'ignore',
      },
    );
    const root = shell.pid!;
    const before = cpuMicros([root]);
    let peak = before;
    // Wait until the spinner has come and gone (the shell alone, or the shell and its sleep).
    const deadline = Date.now() + 20_000;
    let sawChild = false;
    while (Date.now() < deadline) {
      const procs = tree([root]);
      const now = cpuMicros([root]);
      if (now > peak) peak = now;
      if (procs.length > 1) sawChild = true;
      if (sawChild && now - before >= 300_000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Once the spinner has exited (the shell is in `sleep`), its CPU is still in the sum.
    const spinning = () =>
      tree([root]).some((pid) => {
        if (pid === root) return false;
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('Date.now');
        } catch {
          return false;
        }
      });
    while (spinning() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(spinning()).toBe(false);
    const after = cpuMicros([root]);
    expect(after - before).toBeGreaterThanOrEqual(300_000);
    expect(after).toBeGreaterThanOrEqual(peak);
  });
});
