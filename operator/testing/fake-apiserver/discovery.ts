// Discovery documents: /version, /api, /apis, /apis/<group>, /api/v1, /apis/<group>/<version>.
// Aggregated discovery is not served: clients that ask for it get the legacy documents (the
// Content-Type says so) and fall back, as they do against older API servers.
import { type ResourceRegistry, type ResourceType, VERBS } from './resources.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const preferred = (versions: string[]) => versions.find((v) => v === 'v1') ?? versions[0] ?? 'v1';

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function group(name: string, versions: string[]): Record<string, unknown> {
  const pv = preferred(versions);
  return {
    name,
    versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${pv}`, version: pv },
  };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = [...registry.groups()].filter(([g]) => g !== '').map(([g, versions]) => group(g, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: ResourceRegistry, name: string): Record<string, unknown> | undefined {
  const versions = registry.groups().get(name);
  return versions && name ? { kind: 'APIGroup', apiVersion: 'v1', ...group(name, versions) } : undefined;
}

function entry(t: ResourceType): Record<string, unknown>[] {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: VERBS,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    storageVersionHash: Buffer.from(`${t.group}/${t.plural}`).toString('base64').slice(0, 11),
  };
  const status = t.status
    ? [
        {
          name: `${t.plural}/status`,
          singularName: '',
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'patch', 'update'],
        },
      ]
    : [];
  return [main, ...status];
}

export function apiResourceList(
  registry: ResourceRegistry,
  groupName: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(groupName, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources: types.flatMap(entry),
  };
}
