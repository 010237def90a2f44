// charts/alert-whisperer through the operator chart tests' helm and kubectl runners (.tools/bin,
// extracted by scripts/k8s-tools.mjs), and the validation of rendered objects against the
// Kubernetes schemas in kubernetes-models.
import path from 'node:path';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { renderChart, type Manifest } from '../../../operator/testing/chart/tools.ts';

export { find, helm, runAsync, type Manifest, type Run } from '../../../operator/testing/chart/tools.ts';
export { helmBin, kubectlBin } from '../../../operator/testing/chart/paths.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const chartDir = path.join(repoRoot, 'charts', 'alert-whisperer');
export const ciValues = (name: string) => path.join(chartDir, 'ci', `${name}-values.yaml`);

/** charts/alert-whisperer, rendered into the namespace "aw". */
export const render = (valuesFiles: string[], sets: string[] = []) =>
  renderChart(chartDir, valuesFiles, sets, 'aw');

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
