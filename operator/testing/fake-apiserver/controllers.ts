// What kube-controller-manager and the apiextensions controller would do, run after every write:
// CRDs become Established and serve their kinds; background garbage collection of objects whose
// owners are gone; foregroundDeletion/orphan finalizers; namespace deletion empties the namespace.
import type { Objects } from './objects.ts';
import { type ResourceRegistry, type ResourceType } from './resources.ts';
import type { KubeObject } from './store.ts';

type CrdVersion = {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: unknown };
  additionalPrinterColumns?: ResourceType['printerColumns'];
};
type CrdSpec = {
  group: string;
  scope: string;
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[] };
  versions: CrdVersion[];
};

export class Controllers {
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly objects: Objects,
  ) {
    objects.onChange.push(() => this.schedule());
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.reconcile();
      if (!this.scheduled) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** Resolves once the controllers have nothing left to do. */
  idle(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private reconcile(): void {
    const crdType = this.registry.byPlural('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    if (crdType) for (const crd of this.objects.list(crdType)) this.reconcileCrd(crdType, crd);
    this.collectGarbage();
  }

  private reconcileCrd(crdType: ResourceType, crd: KubeObject): void {
    const spec = crd.spec as CrdSpec;
    const name = crd.metadata.name;
    if (crd.metadata.deletionTimestamp) {
      for (const t of this.registry.all().filter((x) => x.crd === name))
        for (const cr of this.objects.list(t)) this.objects.remove(t, cr);
      this.registry.removeCrd(name);
      const fin = (crd.metadata.finalizers ?? []).filter(
        (f) => f !== 'customresourcecleanup.apiextensions.k8s.io',
      );
      this.objects.update(crdType, undefined, name, {
        ...crd,
        metadata: { ...crd.metadata, finalizers: fin },
      });
      return;
    }
    this.registry.removeCrd(name);
    for (const v of spec.versions.filter((x) => x.served !== false)) {
      this.registry.add({
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        shortNames: spec.names.shortNames ?? [],
        status: Boolean(v.subresources?.status),
        schema: v.schema?.openAPIV3Schema,
        crd: name,
        printerColumns: v.additionalPrinterColumns,
      });
    }
    if (!(crd.metadata.finalizers ?? []).includes('customresourcecleanup.apiextensions.k8s.io')) {
      const fin = [...(crd.metadata.finalizers ?? []), 'customresourcecleanup.apiextensions.k8s.io'];
      crd = this.objects.update(crdType, undefined, name, {
        ...crd,
        metadata: { ...crd.metadata, finalizers: fin },
      });
    }
    const status = (crd.status ?? {}) as {
      acceptedNames?: unknown;
      conditions?: { type: string; status: string }[];
    };
    const established = status.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (established && JSON.stringify(status.acceptedNames) === JSON.stringify(spec.names)) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string, reason: string, message: string) => ({
      type,
      status: 'True',
      lastTransitionTime: now,
      reason,
      message,
    });
    this.objects.update(
      crdType,
      undefined,
      name,
      {
        ...crd,
        status: {
          acceptedNames: spec.names,
          storedVersions: spec.versions.filter((v) => v.storage).map((v) => v.name),
          conditions: [
            condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
            condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
          ],
        },
      },
      'status',
    );
  }

  private collectGarbage(): void {
    const all = this.objects.store.entries();
    const uids = new Set(all.map((e) => e.object.metadata.uid));
    const typed = all
      .map((e) => ({ t: this.registry.byResource(e.resource), o: e.object }))
      .filter((e): e is { t: ResourceType; o: KubeObject } => e.t !== undefined);
    const dependentsOf = (uid: string | undefined) =>
      typed.filter((d) => d.o.metadata.ownerReferences?.some((r) => r.uid === uid));
    for (const { t, o } of typed) {
      const refs = o.metadata.ownerReferences ?? [];
      if (refs.length && !refs.some((r) => uids.has(r.uid)) && !o.metadata.deletionTimestamp) {
        this.objects.delete(t, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Background' });
        continue;
      }
      if (!o.metadata.deletionTimestamp) continue;
      const fins = o.metadata.finalizers ?? [];
      if (
        fins[0] === 'orphan' ||
        (fins.includes('orphan') && fins.every((f) => f === 'orphan' || f === 'foregroundDeletion'))
      ) {
        for (const d of dependentsOf(o.metadata.uid)) {
          const ownerReferences = (d.o.metadata.ownerReferences ?? []).filter(
            (r) => r.uid !== o.metadata.uid,
          );
          this.objects.update(d.t, d.o.metadata.namespace, d.o.metadata.name, {
            ...d.o,
            metadata: { ...d.o.metadata, ownerReferences },
          });
        }
        this.dropFinalizer(t, o, 'orphan');
      } else if (fins.includes('foregroundDeletion')) {
        const deps = dependentsOf(o.metadata.uid);
        for (const d of deps)
          if (!d.o.metadata.deletionTimestamp)
            this.objects.delete(d.t, d.o.metadata.namespace, d.o.metadata.name, {
              propagationPolicy: 'Foreground',
            });
        if (deps.length === 0) this.dropFinalizer(t, o, 'foregroundDeletion');
      } else if (t.group === '' && t.kind === 'Namespace' && fins.includes('kubernetes')) {
        const contents = typed.filter((d) => d.t.namespaced && d.o.metadata.namespace === o.metadata.name);
        for (const d of contents)
          if (!d.o.metadata.deletionTimestamp)
            this.objects.delete(d.t, d.o.metadata.namespace, d.o.metadata.name);
        if (contents.length === 0) this.dropFinalizer(t, o, 'kubernetes');
      }
    }
  }

  private dropFinalizer(t: ResourceType, o: KubeObject, finalizer: string): void {
    const finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.objects.update(t, o.metadata.namespace, o.metadata.name, {
      ...o,
      metadata: { ...o.metadata, finalizers },
    });
  }
}
