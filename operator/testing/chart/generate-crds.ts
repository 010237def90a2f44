// `npm run chart:crds -w @aw/operator`: writes charts/alert-whisperer-operator/crds/*.yaml from
// the CRD objects in operator/src/api/v1alpha1/crds.ts (the one source; a test checks the files
// match). `--check` exits 1 when a file differs instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { crds } from '../../src/api/v1alpha1/index.ts';
import { chartDir } from './paths.ts';

export function renderCrds(): Map<string, string> {
  const out = new Map<string, string>();
  for (const crd of crds) {
    const header =
      '# Generated from operator/src/api/v1alpha1/crds.ts by `npm run chart:crds -w @aw/operator`. Do not edit.\n';
    out.set(
      path.join(chartDir, 'crds', `${crd.metadata.name}.yaml`),
      header + stringify(crd, { lineWidth: 0, singleQuote: true }),
    );
  }
  return out;
}

function main(): void {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, text] of renderCrds()) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing: written below
    }
    if (current === text) continue;
    if (check) {
      console.error(`stale: ${path.relative(process.cwd(), file)}`);
      stale++;
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
