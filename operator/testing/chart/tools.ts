// Run the real helm and kubectl (from .tools/bin) with an isolated HOME-like environment, and
// parse rendered manifests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartDir, helmBin, kubectlBin } from './paths.ts';

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const helmHome = mkdtempSync(path.join(tmpdir(), 'helm-home-'));

function run(bin: string, args: string[], kubeconfig?: string, input?: string): Run {
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    input,
    timeout: 120_000,
    env: {
      PATH: process.env.PATH,
      HOME: helmHome,
      HELM_CACHE_HOME: path.join(helmHome, 'cache'),
      HELM_CONFIG_HOME: path.join(helmHome, 'config'),
      HELM_DATA_HOME: path.join(helmHome, 'data'),
      KUBECONFIG: kubeconfig ?? path.join(helmHome, 'no-kubeconfig'),
    },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const helm = (args: string[], kubeconfig?: string) => run(helmBin, args, kubeconfig);
export const kubectl = (args: string[], kubeconfig: string, input?: string) =>
  run(kubectlBin, args, kubeconfig, input);

export const ciValues = (name: string) => path.join(chartDir, 'ci', `${name}-values.yaml`);

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [k: string]: unknown;
};

/** `helm template` with the given values files and --set flags, parsed into objects. */
export function render(
  valuesFiles: string[],
  sets: string[] = [],
  namespace = 'alert-whisperer',
): Manifest[] {
  const args = [
    'template',
    'aw',
    chartDir,
    '--namespace',
    namespace,
    ...valuesFiles.flatMap((f) => ['-f', f]),
    ...sets.flatMap((s) => ['--set', s]),
  ];
  const r = helm(args);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

export function find(ms: Manifest[], kind: string, name?: string): Manifest {
  const m = ms.find((x) => x.kind === kind && (!name || x.metadata.name === name));
  if (!m) throw new Error(`no ${kind}${name ? ` ${name}` : ''} rendered`);
  return m;
}
