// `npm start` / `npm run dev`. This entry imports nothing from the workspace: the Prisma client is
// generated (gitignored) before any module that loads it is imported, so the first command works on
// a fresh clone whatever was run before. The launcher itself is scripts/launcher/main.ts.
//
// The launcher runs in a process group of its own. A terminal's Ctrl-C signals the whole foreground
// group (npm, tsx, this process); the launcher and everything it started (the database, the web
// server) receive exactly one SIGINT, from here, and stop in order: web server first, database last.
import { spawn, spawnSync } from 'node:child_process';
import { readEnv } from '@aw/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.TURBO_TELEMETRY_DISABLED = '1';
process.env.CHECKPOINT_DISABLE = '1';

const r = spawnSync('npx', ['turbo', 'run', 'generate', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
if (r.status !== 0) {
  console.error(`\n✗ prisma generate failed (exit ${r.status ?? r.signal}).`);
  process.exit(r.status ?? 1);
}
const launcher = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'scripts', 'launcher', 'main.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: process.env, detached: true },
);
// Past this long after the first signal the launcher's whole group is killed (it escalates within
// its own steps first, so this is only the last resort).
const LAST_RESORT_MS = readEnv(['STOP_TIMEOUT_MS']).STOP_TIMEOUT_MS * 6;
let signalled = false;
function forward(signal: NodeJS.Signals) {
  if (launcher.exitCode !== null) return;
  if (signalled) return;
  signalled = true;
  launcher.kill(signal);
  setTimeout(() => {
    console.error(
      `✗ the launcher did not stop within ${LAST_RESORT_MS / 1000} s: killing its process group.`,
    );
    try {
      process.kill(-launcher.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, LAST_RESORT_MS).unref();
}
process.on('SIGINT', () => forward('SIGINT'));
process.on('SIGTERM', () => forward('SIGTERM'));
process.on('SIGHUP', () => forward('SIGTERM'));
launcher.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
