// `npm start` / `npm run dev`. This entry imports nothing from the workspace: the Prisma client is
// generated (gitignored) before any module that loads it is imported, so the first command works on
// a fresh clone whatever was run before. The launcher itself is scripts/launcher/main.ts.
import { spawnSync } from 'node:child_process';
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
await import('./launcher/main.ts');
