// Stopping a child process group for good: SIGTERM to the whole group, then SIGKILL after a timeout
// (a server spinning at 100 % CPU may ignore SIGTERM; seen with next-server). Says what it did.
import type { ChildProcess } from 'node:child_process';

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // the group (spawned with detached: true)
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops `child` and every process in its group; resolves when all of them are gone. */
export async function stopChild(child: ChildProcess, label: string, timeoutMs: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGTERM');
  else if (!groupAlive(pid)) return;
  else signalGroup(child, 'SIGTERM'); // the leader exited but members of its group remain
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!groupAlive(pid)) return;
  console.error(`  ${label} ignored SIGTERM for ${timeoutMs / 1000} s: sending SIGKILL.`);
  signalGroup(child, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (groupAlive(pid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pid)) console.error(`  ${label}: processes of group ${pid} survived SIGKILL.`);
}
