// Validates rendered objects: built-in kinds against the Kubernetes OpenAPI schemas compiled into
// kubernetes-models 4.x, Site and HybridActivation against the chart's own CRD schemas (the same
// check the fake API server applies), AlertmanagerConfig against the fields prometheus-operator
// requires of it.
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { crds } from '../../src/api/v1alpha1/index.ts';
import { applySchema, type Schema } from '../fake-apiserver/schema.ts';
import type { Manifest } from './tools.ts';

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apps/v1/DaemonSet': DaemonSet as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as unknown as Model,
  'v1/Pod': Pod as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole as unknown as Model,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding as unknown as Model,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition as unknown as Model,
};

function crdSchema(kind: string): Schema | undefined {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  return crd?.spec.versions[0]?.schema.openAPIV3Schema as Schema | undefined;
}

/** Problems with one object; empty when it is valid. */
export function problems(m: Manifest): string[] {
  const id = `${m.kind} ${m.metadata?.name}`;
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (Model) {
    try {
      new Model(structuredClone(m) as never).validate();
      return [];
    } catch (e) {
      return [`${id}: ${(e as Error).message}`];
    }
  }
  const schema = m.apiVersion === 'alertwhisperer.io/v1alpha1' ? crdSchema(m.kind) : undefined;
  if (schema) {
    const copy = structuredClone(m) as Record<string, unknown> & { metadata: { name: string } };
    const r = applySchema(copy, schema);
    return [
      ...r.causes.map((c) => `${id}: ${c.field}: ${c.message}`),
      ...r.unknownFields.map((f) => `${id}: unknown field ${f}`),
    ];
  }
  if (m.apiVersion === 'monitoring.coreos.com/v1alpha1' && m.kind === 'AlertmanagerConfig') {
    const spec = m.spec as {
      route?: { receiver?: string };
      receivers?: { name: string; webhookConfigs?: { url?: string }[] }[];
    };
    const out: string[] = [];
    if (!spec.receivers?.some((r) => r.name === spec.route?.receiver))
      out.push(`${id}: route.receiver names no receiver`);
    for (const r of spec.receivers ?? [])
      for (const w of r.webhookConfigs ?? [])
        if (!/^https?:\/\//.test(w.url ?? '')) out.push(`${id}: webhook url ${w.url}`);
    return out;
  }
  return [`${id}: no schema for ${m.apiVersion} ${m.kind}`];
}
