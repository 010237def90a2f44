// What the app costs at rest: `npm start` (scripts/start.ts: the production build and its own
// embedded PostgreSQL, no demo data) in a throwaway data folder, then the CPU of its whole process
// tree (the database included) over a few windows with no requests at all.
//
//   npx tsx bench/idle-cpu.ts [--settle 15] [--seconds 10] [--windows 3]
//
// Loopback only; the app is stopped by its process group (SIGINT, as Ctrl-C) when done or on error.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@aw/db/testing';
import { cpuMicros, stop as stopChild, waitFor } from './lib/procs.ts';

const { values: args } = parseArgs({
  options: {
    settle: { type: 'string', default: '15' },
    seconds: { type: 'string', default: '10' },
    windows: { type: 'string', default: '3' },
  },
});
const SETTLE = Math.min(Number(args.settle), 300);
const SECONDS = Math.min(Number(args.seconds), 300);
const WINDOWS = Math.min(Number(args.windows), 20);
const root = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aw-idle-'));
// The embedded PostgreSQL runs initdb as an unprivileged user when this runs as root.
chmodSync(dataDir, 0o777);
const port = await freePort();
const app = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/start.ts')], {
  cwd: root,
  detached: true,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    DEMO: 'false',
    DEMO_LIVE_SECONDS: '0',
    LOG_LEVEL: 'warn',
  },
});
const stop = async () => {
  await stopChild(app, true);
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));

try {
  await waitFor(`http://127.0.0.1:${port}/api/health`, 'the app', app, 900_000);
  console.log(`app up on :${port}; settling ${SETTLE} s, then ${WINDOWS} windows of ${SECONDS} s`);
  await sleep(SETTLE * 1000);
  for (let k = 0; k < WINDOWS; k++) {
    const c0 = cpuMicros([app.pid!]);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const share = (cpuMicros([app.pid!]) - c0) / 1000 / (performance.now() - t0);
    console.log(`window ${k + 1}: ${(share * 100).toFixed(1)} % of one core (the app and its PostgreSQL)`);
  }
} finally {
  await stop();
}
