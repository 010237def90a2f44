// Real @kubernetes/client-node clients for a fake API server (shared by the tests).
import * as k8s from '@kubernetes/client-node';
import type { FakeApiServer } from './index.ts';

export function clientsFor(api: FakeApiServer) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    ext: kc.makeApiClient(k8s.ApiextensionsV1Api),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

/** The HTTP status of a failed client-node call (ApiException.code). */
export async function statusOf(
  p: Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    const body =
      typeof err.body === 'string'
        ? (JSON.parse(err.body) as Record<string, unknown>)
        : ((err.body ?? {}) as Record<string, unknown>);
    return { code: err.code ?? 0, body };
  }
  throw new Error('expected the call to fail');
}

/**
 * A raw JSON request. Use it for CRDs: client-node's typed models rename `default`, `enum` and
 * `x-kubernetes-*` schema keys (`_default`, `_enum`, ...) and drop them from plain objects.
 */
export async function request(
  api: FakeApiServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${api.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function until<T>(check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.io' },
  spec: {
    group: 'example.io',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              spec: {
                type: 'object',
                required: ['url'],
                properties: {
                  url: { type: 'string', pattern: '^https?://' },
                  size: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                  tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: {
                type: 'object',
                properties: { observedGeneration: { type: 'integer' }, phase: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
  },
};
