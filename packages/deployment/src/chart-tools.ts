// helm and kubectl (from .tools/bin, extracted by scripts/k8s-tools.mjs) for charts/alert-whisperer,
// and the validation of rendered objects against the Kubernetes schemas in kubernetes-models.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const chartDir = path.join(repoRoot, 'charts', 'alert-whisperer');
export const helmBin = path.join(repoRoot, '.tools', 'bin', 'helm');
export const kubectlBin = path.join(repoRoot, '.tools', 'bin', 'kubectl');
export const ciValues = (name: string) => path.join(chartDir, 'ci', `${name}-values.yaml`);

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
};

const home = mkdtempSync(path.join(tmpdir(), 'aw-helm-home-'));
function env(kubeconfig?: string): NodeJS.ProcessEnv {
  return {
    PATH: `${path.dirname(helmBin)}:${process.env.PATH}`,
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    KUBECONFIG: kubeconfig ?? path.join(home, 'no-kubeconfig'),
  };
}

/** helm without a cluster (lint, template). */
export function helm(args: string[]): Run {
  const r = spawnSync(helmBin, args, { encoding: 'utf8', timeout: 120_000, env: env() });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** helm or kubectl against the fake API server, which runs in this process: asynchronous. */
export function runAsync(bin: string, args: string[], kubeconfig: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: env(kubeconfig) });
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
    child.stdin.end();
  });
}

export function render(valuesFiles: string[], sets: string[] = []): Manifest[] {
  const r = helm([
    'template',
    'aw',
    chartDir,
    '--namespace',
    'aw',
    ...valuesFiles.flatMap((f) => ['-f', f]),
    ...sets.flatMap((s) => ['--set', s]),
  ]);
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

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Pod': Pod as unknown as Model,
};

/** Why a rendered object is not a valid Kubernetes object; empty when it is. */
export function problems(m: Manifest): string[] {
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (!Model) return [`${m.kind} ${m.metadata?.name}: ${m.apiVersion}/${m.kind} has no schema here`];
  try {
    new Model(structuredClone(m) as never).validate();
    return [];
  } catch (e) {
    return [`${m.kind} ${m.metadata.name}: ${e instanceof Error ? e.message : String(e)}`];
  }
}
