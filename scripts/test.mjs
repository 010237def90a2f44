// `npm test`: typecheck, lint, the launcher's and the bench's own tests, then every package's tests
// (unit, integration on PostgreSQL 17 embedded + PostgreSQL 15 when installed, browser e2e), the
// quick ingest bench (bench/run.ts --quick: fails on a correctness violation, never on a speed
// figure), then the closing summary (scripts/test-summary.mjs: per package, each failed test by
// name, one last line).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from './test-summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, '.reports');
const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  CHECKPOINT_DISABLE: '1',
};
rmSync(reports, { recursive: true, force: true });

const stages = [
  ['prisma generate', ['turbo', 'run', 'generate', '--output-logs=errors-only']],
  ['typecheck', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['typecheck scripts and bench', ['tsc', '-p', 'tsconfig.json']],
  ['lint', ['turbo', 'run', 'lint', '--output-logs=errors-only']],
  ['lint scripts and bench', ['eslint', 'scripts', 'bench']],
  ['launcher tests', ['vitest', 'run', '--config', 'scripts/vitest.config.ts']],
  ['bench tests', ['vitest', 'run', '--config', 'bench/vitest.config.ts']],
  ['tests', ['turbo', 'run', 'test', '--concurrency=1', '--continue']],
  ['browser tests', ['turbo', 'run', 'e2e', '--concurrency=1', '--continue']],
  ['bench --quick (fails on correctness, never on speed)', ['tsx', 'bench/run.ts', '--quick']],
];
const failedStages = [];
const t0 = Date.now();
for (const [label, args] of stages) {
  console.log(`\n━━ ${label} ━━`);
  const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    failedStages.push(label);
    if (label === 'prisma generate') break;
  }
}

const { passed, failures, perPackage, skipped, ...counts } = summarize(reports, root);
let failed = counts.failed;
console.log('\n━━ summary ━━');
for (const line of perPackage) console.log(`  ${line}`);
if (failures.length) console.log(`Failed tests:\n${failures.join('\n')}`);
if (failedStages.length) console.log(`Failed stages: ${failedStages.join(', ')}`);
if (process.env.CI === 'true' && skipped > 0) {
  console.log(`CI=true: ${skipped} skipped test(s) count as failures.`);
  failed += skipped;
}
console.log(`Finished in ${Math.round((Date.now() - t0) / 1000)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedStages.length || failed || passed === 0 ? 1 : 0);
