// The operator's view of the Kubernetes API, on @kubernetes/client-node: only the calls the
// controllers, informers and leader election make (which is also what the chart's RBAC grants).
// Writes are updates with the object's resourceVersion (optimistic concurrency): a 409 means
// someone else changed it first, and the reconcile is retried against the new state.
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1MicroTime,
  Watch,
  type V1Lease,
  type V1Secret,
} from '@kubernetes/client-node';
import { GROUP, VERSION, type HybridActivation, type Site } from '../api/v1alpha1/index.ts';

export function httpStatusOf(e: unknown): number | null {
  if (e instanceof ApiException) return e.code;
  const c =
    (e as { code?: unknown; statusCode?: unknown } | null)?.statusCode ??
    (e as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : null;
}

export const isNotFound = (e: unknown) => httpStatusOf(e) === 404;
export const isConflict = (e: unknown) => httpStatusOf(e) === 409;

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

export function loadKubeConfig(o: { kubeconfig?: string } = {}): KubeConfig {
  const kc = new KubeConfig();
  if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
  else kc.loadFromDefault();
  return kc;
}

type Plural = 'sites' | 'hybridactivations';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export class Kube {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly coordination: CoordinationV1Api;
  readonly watcher: Watch;

  constructor(readonly kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.coordination = kc.makeApiClient(CoordinationV1Api);
    this.watcher = new Watch(kc);
  }

  // ── custom resources ──
  getCustom<T extends Site | HybridActivation>(
    plural: Plural,
    namespace: string,
    name: string,
  ): Promise<T | null> {
    return orNull(
      this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name }),
    );
  }

  async listCustom<T>(plural: Plural, namespace: string): Promise<ListResult<T>> {
    const r = (await this.custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural,
      namespace,
    })) as {
      items: T[];
      metadata?: { resourceVersion?: string };
    };
    return { items: r.items ?? [], resourceVersion: r.metadata?.resourceVersion ?? '' };
  }

  replaceCustom<T extends Site | HybridActivation>(plural: Plural, obj: T): Promise<T> {
    const { namespace, name } = obj.metadata;
    return this.custom.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural,
      namespace: namespace!,
      name,
      body: obj,
    });
  }

  replaceCustomStatus<T extends Site | HybridActivation>(plural: Plural, obj: T): Promise<T> {
    const { namespace, name } = obj.metadata;
    return this.custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      plural,
      namespace: namespace!,
      name,
      body: obj,
    });
  }

  customWatchPath(plural: Plural, namespace: string): string {
    return `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural}`;
  }

  // ── core ──
  getSecret(namespace: string, name: string): Promise<V1Secret | null> {
    return orNull(this.core.readNamespacedSecret({ namespace, name }));
  }

  createSecret(namespace: string, body: V1Secret): Promise<V1Secret> {
    return this.core.createNamespacedSecret({ namespace, body });
  }

  replaceSecret(namespace: string, body: V1Secret): Promise<V1Secret> {
    return this.core.replaceNamespacedSecret({ namespace, name: body.metadata!.name!, body });
  }

  async namespaceUid(name: string): Promise<string | null> {
    const ns = await orNull(this.core.readNamespace({ name }));
    return ns?.metadata?.uid ?? null;
  }

  async listWarningEvents(namespace?: string): Promise<ListResult<unknown>> {
    const fieldSelector = 'type=Warning';
    const r = namespace
      ? await this.core.listNamespacedEvent({ namespace, fieldSelector })
      : await this.core.listEventForAllNamespaces({ fieldSelector });
    return { items: r.items as unknown[], resourceVersion: r.metadata?.resourceVersion ?? '' };
  }

  eventsWatchPath(namespace?: string): string {
    return namespace ? `/api/v1/namespaces/${namespace}/events` : '/api/v1/events';
  }

  // ── coordination ──
  getLease(namespace: string, name: string): Promise<V1Lease | null> {
    return orNull(this.coordination.readNamespacedLease({ namespace, name }));
  }

  createLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.coordination.createNamespacedLease({ namespace, body });
  }

  replaceLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.coordination.replaceNamespacedLease({ namespace, name: body.metadata!.name!, body });
  }
}

export function microTime(ms: number): Date {
  return new V1MicroTime(ms);
}
