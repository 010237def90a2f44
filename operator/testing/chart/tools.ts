// Run the real helm and kubectl (from .tools/bin) with an isolated HOME-like environment, and
// parse rendered manifests. The SaaS chart's tests (packages/deployment) use the same runners.
import { spawn, spawnSync } from 'node:child_process';
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

export function toolEnv(kubeconfig?: string, extraPath?: string): NodeJS.ProcessEnv {
  return {
    PATH: extraPath ? `${extraPath}:${process.env.PATH}` : process.env.PATH,
    HOME: helmHome,
    HELM_CACHE_HOME: path.join(helmHome, 'cache'),
    HELM_CONFIG_HOME: path.join(helmHome, 'config'),
    HELM_DATA_HOME: path.join(helmHome, 'data'),
    KUBECONFIG: kubeconfig ?? path.join(helmHome, 'no-kubeconfig'),
  };
}

/** helm without a cluster (lint, template): synchronous. */
export function helm(args: string[]): Run {
  const r = spawnSync(helmBin, args, { encoding: 'utf8', timeout: 120_000, env: toolEnv() });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A command against a cluster: asynchronous, because the fake API server answering it runs in
 * this same process (a synchronous spawn would block it). `helm` and `kubectl` are on its PATH.
 */
export function runAsync(
  bin: string,
  args: string[],
  opts: { kubeconfig: string; input?: string; cwd?: string },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: toolEnv(opts.kubeconfig, path.dirname(helmBin)) });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export const helmIn = (kubeconfig: string, args: string[]) => runAsync(helmBin, args, { kubeconfig });
export const kubectlIn = (kubeconfig: string, args: string[], input?: string) =>
  runAsync(kubectlBin, args, { kubeconfig, input });

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

/** `helm template` of the chart in `dir` with the given values files and --set flags, parsed. */
export function renderChart(
  dir: string,
  valuesFiles: string[],
  sets: string[] = [],
  namespace = 'alert-whisperer',
): Manifest[] {
  const args = [
    'template',
    'aw',
    dir,
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

/** The operator's chart, rendered. */
export const render = (valuesFiles: string[], sets: string[] = [], namespace = 'alert-whisperer') =>
  renderChart(chartDir, valuesFiles, sets, namespace);

export function find(ms: Manifest[], kind: string, name?: string): Manifest {
  const m = ms.find((x) => x.kind === kind && (!name || x.metadata.name === name));
  if (!m) throw new Error(`no ${kind}${name ? ` ${name}` : ''} rendered`);
  return m;
}
