import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopChild } from './stop.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A group leader that ignores SIGTERM and a grandchild in its group that ignores it too, like a
// next-server spinning at 100 % CPU.
const STUBBORN = `
  const { spawn } = require('node:child_process');
  process.on('SIGTERM', () => {});
  const g = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
  console.log(String(g.pid));
  setInterval(() => {}, 1000);
`;

function startGroup(code: string) {
  const child = spawn(process.execPath, ['-e', code], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const grandchild = new Promise<number>((r) =>
    child.stdout!.once('data', (b: Buffer) => r(Number(b.toString()))),
  );
  return { child, grandchild };
}

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

describe('stopChild', () => {
  it('escalates to SIGKILL for a group that ignores SIGTERM, and says so', async () => {
    const { child, grandchild } = startGroup(STUBBORN);
    const gpid = await grandchild;
    started.push(child.pid!, gpid);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    await stopChild(child, 'web server', 500);
    expect(alive(child.pid!)).toBe(false);
    expect(alive(gpid)).toBe(false);
    expect(err.mock.calls.flat().join(' ')).toMatch(/web server ignored SIGTERM .* sending SIGKILL/);
    err.mockRestore();
  });

  it('stops a well-behaved group with SIGTERM alone', async () => {
    const { child, grandchild } = startGroup(`
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(String(g.pid));
      setInterval(() => {}, 1000);
    `);
    const gpid = await grandchild;
    started.push(child.pid!, gpid);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    await stopChild(child, 'web server', 5_000);
    expect(alive(gpid)).toBe(false);
    expect(err).not.toHaveBeenCalled();
    err.mockRestore();
  });
});
