// Per-kind admission before a write: name format, Secret stringData, Namespace and Service
// defaults, CRD sanity checks, and custom resources defaulted/pruned/validated by their schema.
import { badRequest, invalid } from './errors.ts';
import type { WriteOptions } from './objects.ts';
import type { ResourceType } from './resources.ts';
import { applySchema, type Schema } from './schema.ts';
import type { KubeObject } from './store.ts';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkName(t: ResourceType, name: string): void {
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name))
    throw invalid(t.kind, t.group, name, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        field: 'metadata.name',
      },
    ]);
}

/** Kind-specific normalisation and validation before a write. */
export function admit(
  t: ResourceType,
  obj: KubeObject,
  current: KubeObject | undefined,
  opts: WriteOptions,
  revision: number,
): void {
  const name = obj.metadata.name;
  if (t.group === '' && t.kind === 'Secret' && obj.stringData && typeof obj.stringData === 'object') {
    const data = { ...((obj.data as Record<string, string>) ?? {}) };
    for (const [k, v] of Object.entries(obj.stringData as Record<string, string>))
      data[k] = Buffer.from(String(v)).toString('base64');
    obj.data = data;
    delete obj.stringData;
  }
  if (t.group === '' && t.kind === 'Secret') obj.type ??= 'Opaque';
  if (t.group === '' && t.kind === 'Namespace' && !current) {
    obj.spec = { finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
  }
  if (t.group === '' && t.kind === 'Service') {
    const spec = ((obj.spec as Record<string, unknown>) ??= {});
    spec.type ??= 'ClusterIP';
    const before = (current?.spec as Record<string, unknown> | undefined)?.clusterIP;
    if (spec.clusterIP === undefined)
      spec.clusterIP = before ?? `10.96.${(revision >> 8) & 255}.${revision & 255}`;
    spec.clusterIPs ??= spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP];
  }
  if (t.group === 'apiextensions.k8s.io' && t.kind === 'CustomResourceDefinition') checkCrd(obj);
  if (t.schema) {
    const result = applySchema(obj, t.schema as Schema);
    if (result.unknownFields.length && opts.fieldValidation === 'Strict')
      throw badRequest(
        `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${result.unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`,
      );
    if (result.unknownFields.length && opts.fieldValidation === 'Warn')
      opts.warnings?.push(...result.unknownFields.map((f) => `unknown field "${f}"`));
    if (result.causes.length) throw invalid(t.kind, t.group, name, result.causes);
  }
}

function checkCrd(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as {
    group?: string;
    names?: { plural?: string; kind?: string };
    versions?: unknown[];
    scope?: string;
  };
  const causes = [];
  if (!spec.group)
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.group' });
  if (!spec.names?.plural)
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.names.plural' });
  if (!spec.names?.kind)
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.names.kind' });
  if (!['Namespaced', 'Cluster'].includes(spec.scope ?? ''))
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${spec.scope ?? ''}": supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  if (!Array.isArray(spec.versions) || spec.versions.length === 0)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: must have exactly one version marked as storage version',
      field: 'spec.versions',
    });
  if (spec.group && spec.names?.plural && obj.metadata.name !== `${spec.names.plural}.${spec.group}`)
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${obj.metadata.name}": must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    });
  if (causes.length)
    throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', obj.metadata.name, causes);
}
