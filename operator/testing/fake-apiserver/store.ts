// Object storage with one monotonic resourceVersion counter for everything (like etcd's
// revision), and a bounded history of change events that watches replay from.
import type { ResourceType } from './resources.ts';

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
};

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  generateName?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  /** `<group>/<plural>` of the object. */
  resource: string;
  object: KubeObject;
  /** The object before this change (MODIFIED/DELETED), for selector transitions. */
  previous?: KubeObject;
  rv: number;
}

export function resourceKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${t.group}/${t.plural}`;
}

export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: StoreEvent[] = [];
  /** Watches from a resourceVersion below this get 410 Gone. */
  private compactedAt = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly historyLimit = 10_000) {}

  get resourceVersion(): number {
    return this.revision;
  }

  get oldestResumableVersion(): number {
    return this.compactedAt;
  }

  private key(resource: string, namespace: string | undefined, name: string): string {
    return `${resource}|${namespace ?? ''}|${name}`;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(this.key(resource, namespace, name));
    return o && structuredClone(o);
  }

  /** Objects of one resource (in one namespace if given), oldest first. */
  list(resource: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    const prefix = `${resource}|`;
    for (const [k, o] of this.objects) {
      if (!k.startsWith(prefix)) continue;
      if (namespace !== undefined && o.metadata.namespace !== namespace) continue;
      out.push(structuredClone(o));
    }
    return out.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  }

  /** Every stored object with its resource, for the garbage collector and namespace deletion. */
  entries(): { resource: string; object: KubeObject }[] {
    return [...this.objects].map(([k, object]) => ({
      resource: k.split('|')[0] ?? '',
      object: structuredClone(object),
    }));
  }

  hasUid(uid: string): boolean {
    for (const o of this.objects.values()) if (o.metadata.uid === uid) return true;
    return false;
  }

  /** Stores `object` with a fresh resourceVersion and records the change. */
  write(resource: string, object: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    const k = this.key(resource, object.metadata.namespace, object.metadata.name);
    const previous = this.objects.get(k);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    this.objects.set(k, stored);
    this.record({ type, resource, object: structuredClone(stored), previous, rv: this.revision });
    return structuredClone(stored);
  }

  remove(resource: string, object: KubeObject): KubeObject {
    const k = this.key(resource, object.metadata.namespace, object.metadata.name);
    const previous = this.objects.get(k);
    this.objects.delete(k);
    const gone = structuredClone(previous ?? object);
    gone.metadata.resourceVersion = String(++this.revision);
    this.record({ type: 'DELETED', resource, object: structuredClone(gone), previous, rv: this.revision });
    return gone;
  }

  private record(e: StoreEvent): void {
    this.history.push(e);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped) this.compactedAt = dropped.rv;
    }
    for (const l of this.listeners) l(e);
  }

  /** Events after `rv`, or undefined when they are no longer kept (410 Gone). */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedAt) return undefined;
    return this.history.filter((e) => e.rv > rv).map((e) => structuredClone(e));
  }

  /** Forgets the history: every watch from an older resourceVersion now gets 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.compactedAt = this.revision;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
