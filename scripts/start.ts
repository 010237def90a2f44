// The main job: `npm start`. Brings up the database (embedded PostgreSQL unless DATABASE_URL is
// set), applies migrations, seeds the demo MSP on the embedded default, builds the web app when its
// sources changed (turbo caches the build) and serves it. Ctrl-C stops everything cleanly.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { EnvError, loadEnv } from '@aw/config';
import { createPrismaClient, ensureDatabase } from '@aw/db';
import { REPO_ROOT } from '@aw/db/paths';
import { loadOrCreateLocalSecrets } from '@aw/db/secrets';
import { seedDemo } from '@aw/db/seed';
import { connectDemoAws, type DemoAws } from '@aw/aws/demo';

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

const local = !process.env.DATABASE_URL;
const dataDir = path.resolve(REPO_ROOT, process.env.DATA_DIR ?? '.data');
if (local) {
  // Outside production, secrets that were not set are generated once and kept in .data/.
  const secrets = loadOrCreateLocalSecrets(dataDir);
  process.env.AUTH_SECRET ??= secrets.AUTH_SECRET;
  process.env.APP_ENCRYPTION_KEY ??= secrets.APP_ENCRYPTION_KEY;
}
const port = Number(process.env.PORT ?? 3000);
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

step('npx', ['turbo', 'run', 'generate', '--output-logs=errors-only'], 'prisma generate');
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
  // The demo's simulated AWS account (loopback fake); only companies with simulated = true use it.
  demoAws = await connectDemoAws(prisma, { dataDir, log: console.log });
  if (demoAws) {
    // Self-healing in the demo: the MSP-* documents in the simulated account, a realistic cleanup output.
    const { installDemoRunbooks, demoCommandBehaviour } = await import('@aw/runbooks/demo');
    demoAws.fake.commandBehaviour = demoCommandBehaviour;
    await installDemoRunbooks(prisma, demoAws, console.log);
  }
  await prisma.$disconnect();
}

const nextBin = path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const web = spawn(
  process.execPath,
  [
    nextBin,
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
    env: {
      ...process.env,
      ...demoAws?.env,
      DATABASE_URL: db.url,
      NODE_ENV: dev ? 'development' : 'production',
    },
  },
);

// On a demo database: one run of the demo stream through the app's signed webhook path (the app
// process correlates it).
let stopCorrelation: (() => Promise<void>) | undefined;
let announced = false;
web.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && /Ready|started server|Local:/i.test(chunk.toString())) {
    announced = true;
    const url = process.env.AUTH_URL;
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
    void import('@aw/correlation/demo').then(async ({ startLauncherDemo, startDemoTrickle }) => {
      const demo = Boolean(env.DEMO ?? local);
      const common = {
        databaseUrl: db.url,
        encryptionKey: process.env.APP_ENCRYPTION_KEY ?? '',
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
    });
  }
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (web.exitCode === null) {
    web.kill('SIGTERM');
    await new Promise((r) => web.once('exit', r));
  }
  await stopCorrelation?.();
  await demoAws?.stop();
  await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
web.on('exit', (code) => void shutdown(code ?? 1));
