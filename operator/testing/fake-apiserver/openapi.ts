// The part of OpenAPI v3 that kubectl and helm read: the /openapi/v3 index and, per group
// version, PATCH operations tagged with their GroupVersionKind and a `fieldValidation` query
// parameter. That tells them the server validates fields itself (`fieldValidation=Strict`), so
// they need no client-side schemas; strategic merge patches come from their compiled-in types.
import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from './resources.ts';

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

export function openApiV3Index(registry: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groups())
    for (const version of versions) {
      const doc = openApiV3GroupVersion(registry, group, version);
      const hash = createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
      paths[gvPath(group, version)] = {
        serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}`,
      };
    }
  return { paths };
}

const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });

function pathsFor(t: ResourceType): Record<string, unknown> {
  const base = `/${gvPath(t.group, t.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const ok = { responses: { '200': { description: 'OK' } } };
  const op = (action: string, extra: Record<string, unknown> = {}) => ({
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...ok,
    ...extra,
  });
  const writeParams = { parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation')] };
  const out: Record<string, unknown> = {
    [base]: { get: op('list'), post: op('post', writeParams), delete: op('deletecollection') },
    [`${base}/{name}`]: {
      get: op('get'),
      put: op('put', writeParams),
      patch: op('patch', { parameters: [...writeParams.parameters, param('force')] }),
      delete: op('delete'),
    },
  };
  if (t.status)
    out[`${base}/{name}/status`] = {
      get: op('get'),
      put: op('put', writeParams),
      patch: op('patch', writeParams),
    };
  return out;
}

export function openApiV3GroupVersion(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-fake' },
    paths: Object.assign({}, ...types.map(pathsFor)),
    components: { schemas: {} },
  };
}
