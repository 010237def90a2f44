// The resource types the fake API server knows: built-ins (core, apps, rbac, coordination,
// apiextensions, ...) plus whatever CustomResourceDefinitions register at run time.

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Has a /status subresource: writes to the main resource keep the old status. */
  status: boolean;
  /** openAPIV3Schema of a custom resource version (validated and defaulted on write). */
  schema?: Record<string, unknown>;
  /** Registered by a CRD (its name), not built in. */
  crd?: string;
  printerColumns?: PrinterColumn[];
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type BuiltIn = [
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  status: boolean,
  shortNames?: string[],
];

const BUILT_INS: BuiltIn[] = [
  ['', 'v1', 'Namespace', 'namespaces', false, true, ['ns']],
  ['', 'v1', 'Node', 'nodes', false, true, ['no']],
  ['', 'v1', 'Pod', 'pods', true, true, ['po']],
  ['', 'v1', 'Service', 'services', true, true, ['svc']],
  ['', 'v1', 'Endpoints', 'endpoints', true, false, ['ep']],
  ['', 'v1', 'Secret', 'secrets', true, false],
  ['', 'v1', 'ConfigMap', 'configmaps', true, false, ['cm']],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', true, false, ['sa']],
  ['', 'v1', 'Event', 'events', true, false, ['ev']],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, true, ['pvc']],
  ['', 'v1', 'PersistentVolume', 'persistentvolumes', false, true, ['pv']],
  ['apps', 'v1', 'Deployment', 'deployments', true, true, ['deploy']],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true, true, ['ds']],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true, true, ['sts']],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', true, true, ['rs']],
  ['batch', 'v1', 'Job', 'jobs', true, true],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true, false],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true, false],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, false],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false, false],
  ['coordination.k8s.io', 'v1', 'Lease', 'leases', true, false],
  ['events.k8s.io', 'v1', 'Event', 'events', true, false, ['ev']],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, true, ['pdb']],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, false, ['netpol']],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, true, ['ing']],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, true, ['hpa']],
  [
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'customresourcedefinitions',
    false,
    true,
    ['crd', 'crds'],
  ],
];

export class ResourceRegistry {
  private readonly types: ResourceType[] = [];

  constructor() {
    for (const [group, version, kind, plural, namespaced, status, shortNames] of BUILT_INS) {
      this.add({
        group,
        version,
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
        namespaced,
        shortNames: shortNames ?? [],
        status,
      });
    }
  }

  add(t: ResourceType): void {
    this.remove(t.group, t.version, t.plural);
    this.types.push(t);
  }

  remove(group: string, version: string, plural: string): void {
    const i = this.types.findIndex((t) => t.group === group && t.version === version && t.plural === plural);
    if (i >= 0) this.types.splice(i, 1);
  }

  removeCrd(crdName: string): ResourceType[] {
    const gone = this.types.filter((t) => t.crd === crdName);
    for (const t of gone) this.remove(t.group, t.version, t.plural);
    return gone;
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** Any served version of `<group>/<plural>` (objects are stored once per group/resource). */
  byResource(key: string): ResourceType | undefined {
    return this.types.find((t) => `${t.group}/${t.plural}` === key);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  all(): readonly ResourceType[] {
    return this.types;
  }

  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.types) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.types.filter((t) => t.group === group && t.version === version);
  }
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `<plural>.<group>` as in `kubectl get` and CRD names; core types have only the plural. */
export function qualifiedResource(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}
