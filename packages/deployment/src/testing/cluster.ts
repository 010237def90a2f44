// Real app processes on loopback for the scale-out proof: `web` instances are the production server
// (`apps/web/server.mjs start`, what `npm start` serves, on the built `.next`), `worker` instances
// are `npm run worker` (apps/web/worker.ts). Each runs in its own process group so that `kill9`
// ends it (and any child) the way a crashed pod ends: no signal handler, no cleanup.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
const WEB_DIR = path.join(REPO_ROOT, 'apps', 'web');
const TSX = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/**
 * Builds the web app with turbo (a cache hit when `npm start` or an earlier run built the same
 * sources: seconds; a cold `next build`: minutes). Returns the seconds it took.
 */
export function ensureWebBuild(): number {
  const t0 = Date.now();
  // Local iteration on the test alone, with a build known to be current: SCALE_OUT_SKIP_BUILD=1.
  if (process.env.SCALE_OUT_SKIP_BUILD === '1' && existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID')))
    return 0;
  const r = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@aw/web', '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`web build failed (exit ${r.status ?? r.signal})`);
  if (!existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID')))
    throw new Error('no .next/BUILD_ID after the build');
  return (Date.now() - t0) / 1000;
}

export interface AppProcess {
  name: string;
  role: 'web' | 'worker';
  port: number;
  child: ChildProcess;
  logFile: string;
  /** kill -9 of the whole process group. */
  kill9(): void;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
  /** The process's output so far (for failure messages). */
  log(): string;
}

function launch(
  name: string,
  role: 'web' | 'worker',
  port: number,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  logDir: string,
): AppProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  const group = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  return {
    name,
    role,
    port,
    child,
    logFile,
    exited,
    kill9: () => group('SIGKILL'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      group('SIGTERM');
      const t = setTimeout(() => group('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
}

/** One `PROCESS_ROLE=web` production server on `port`. */
export function startWeb(name: string, port: number, env: Record<string, string>, logDir: string) {
  return launch(
    name,
    'web',
    port,
    [path.join(WEB_DIR, 'server.mjs'), 'start', '-p', String(port), '-H', '127.0.0.1'],
    WEB_DIR,
    { ...env, PROCESS_ROLE: 'web', PORT: String(port), AUTH_URL: `http://127.0.0.1:${port}` },
    logDir,
  );
}

/** One `PROCESS_ROLE=worker` process (`npm run worker`); `port` is its metrics/health port. */
export function startWorker(name: string, port: number, env: Record<string, string>, logDir: string) {
  return launch(
    name,
    'worker',
    port,
    // What `npm run worker` runs (root package.json).
    [TSX, '--conditions=react-server', path.join(WEB_DIR, 'worker.ts')],
    REPO_ROOT,
    {
      AUTH_URL: `http://127.0.0.1:${port}`,
      ...env,
      PROCESS_ROLE: 'worker',
      WORKER_METRICS_PORT: String(port),
    },
    logDir,
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

/** Waits until the process answers 200 on `path`; fails early when it exits. */
export async function waitHttp(p: AppProcess, urlPath: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(`${p.name} exited before answering ${urlPath}:\n${p.log().slice(-3000)}`);
    const r = await fetch(`http://127.0.0.1:${p.port}${urlPath}`).catch(() => null);
    if (r?.status === 200) return;
    if (Date.now() > end)
      throw new Error(`${p.name}: no 200 on ${urlPath} within ${timeoutMs} ms\n${p.log().slice(-3000)}`);
    await sleep(250);
  }
}
