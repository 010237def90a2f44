// The API server's write semantics over the store: create/update/patch/delete with
// resourceVersion preconditions, generation bumps on spec changes, the status subresource,
// finalizers + deletionTimestamp, Secret stringData, CRD registration and CR schema checks.
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { admit, checkName } from './admission.ts';
import { ApiError, alreadyExists, badRequest, conflict, invalid, notFound } from './errors.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { type ResourceRegistry, type ResourceType, apiVersionOf, qualifiedResource } from './resources.ts';
import { type KubeObject, type ObjectStore, resourceKey } from './store.ts';

export interface WriteOptions {
  dryRun?: boolean;
  /** `Strict` rejects unknown fields of custom resources, `Warn` reports them, default prunes. */
  fieldValidation?: string | null;
  /** Warnings for the `Warning` response header. */
  warnings?: string[];
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: string;
  preconditions?: { resourceVersion?: string; uid?: string };
}

const stripVolatile = (o: KubeObject) => {
  const c = structuredClone(o);
  delete c.metadata.resourceVersion;
  delete c.metadata.managedFields;
  return JSON.stringify(c);
};
const specOf = (o: KubeObject) => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(rest);
};

export class Objects {
  /** Hooks run after a write (the CRD controller, the garbage collector). */
  onChange: ((t: ResourceType, obj: KubeObject, type: 'ADDED' | 'MODIFIED' | 'DELETED') => void)[] = [];

  constructor(
    readonly registry: ResourceRegistry,
    readonly store: ObjectStore,
  ) {}

  private out(t: ResourceType, o: KubeObject): KubeObject {
    return { ...o, apiVersion: apiVersionOf(t), kind: t.kind, metadata: o.metadata };
  }

  private missing(t: ResourceType, name: string): ApiError {
    return notFound(qualifiedResource(t), t.group, t.kind, name);
  }

  get(t: ResourceType, ns: string | undefined, name: string): KubeObject {
    const o = this.store.get(resourceKey(t), t.namespaced ? ns : undefined, name);
    if (!o) throw this.missing(t, name);
    return this.out(t, o);
  }

  find(t: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
    const o = this.store.get(resourceKey(t), t.namespaced ? ns : undefined, name);
    return o && this.out(t, o);
  }

  list(t: ResourceType, ns?: string): KubeObject[] {
    return this.store.list(resourceKey(t), t.namespaced ? ns : undefined).map((o) => this.out(t, o));
  }

  create(t: ResourceType, ns: string | undefined, body: unknown, opts: WriteOptions = {}): KubeObject {
    const obj = this.checkBody(t, body);
    const meta = obj.metadata;
    if (t.namespaced) {
      if (meta.namespace && ns && meta.namespace !== ns)
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta.namespace = ns ?? meta.namespace ?? 'default';
      const nsObj = this.store.get('/namespaces', undefined, meta.namespace);
      if (!nsObj) throw notFound('namespaces', '', 'Namespace', meta.namespace);
      if (nsObj.metadata.deletionTimestamp)
        throw new ApiError(
          403,
          'Forbidden',
          `${t.plural} "${meta.name ?? ''}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`,
        );
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomUUID().slice(0, 5)}`;
    if (!meta.name)
      throw invalid(t.kind, t.group, '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
          field: 'metadata.name',
        },
      ]);
    checkName(t, meta.name);
    if (this.store.get(resourceKey(t), meta.namespace, meta.name))
      throw alreadyExists(qualifiedResource(t), t.group, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.resourceVersion;
    if (t.status) delete obj.status;
    admit(t, obj, undefined, opts, this.store.resourceVersion);
    if (opts.dryRun)
      return this.out(t, {
        ...obj,
        metadata: { ...meta, resourceVersion: String(this.store.resourceVersion) },
      });
    const stored = this.store.write(resourceKey(t), obj, 'ADDED');
    this.notify(t, stored, 'ADDED');
    return this.out(t, stored);
  }

  /** PUT on the object (`subresource` undefined) or on its `status`. */
  update(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    body: unknown,
    subresource?: string,
    opts: WriteOptions = {},
  ): KubeObject {
    const current = this.get(t, ns, name);
    const obj = this.checkBody(t, body);
    if (obj.metadata.name && obj.metadata.name !== name)
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(qualifiedResource(t), t.group, name);
    if (obj.metadata.uid && obj.metadata.uid !== current.metadata.uid)
      throw conflict(qualifiedResource(t), t.group, name);
    let next: KubeObject;
    if (subresource === 'status') {
      next = { ...current, status: obj.status };
      if (obj.status === undefined) delete next.status;
    } else {
      next = obj;
      if (t.status) {
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
      }
      const keep = [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
        'namespace',
        'name',
      ] as const;
      const meta = { ...obj.metadata };
      for (const k of keep) {
        if (current.metadata[k] === undefined) delete meta[k];
        else meta[k] = current.metadata[k] as never;
      }
      const added = (meta.finalizers ?? []).filter((f) => !(current.metadata.finalizers ?? []).includes(f));
      if (current.metadata.deletionTimestamp && added.length)
        throw invalid(t.kind, t.group, name, [
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: no new finalizers can be added if the object is being deleted',
            field: 'metadata.finalizers',
          },
        ]);
      next.metadata = meta;
    }
    return this.commit(t, current, next, opts);
  }

  patch(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    contentType: string,
    raw: string,
    subresource?: string,
    opts: WriteOptions = {},
  ): KubeObject {
    const type = contentType.split(';')[0]?.trim();
    if (type === 'application/apply-patch+yaml') {
      const applied = parseYaml(raw) as KubeObject;
      const current = this.find(t, ns, name);
      if (!current) {
        if (subresource) throw this.missing(t, name);
        return this.create(t, ns, { ...applied, metadata: { ...applied?.metadata, name } }, opts);
      }
      return this.update(
        t,
        ns,
        name,
        this.retainRv(current, strategicMergePatch(current, applied) as KubeObject),
        subresource,
        opts,
      );
    }
    const current = this.get(t, ns, name);
    let patch: unknown;
    try {
      patch = JSON.parse(raw);
    } catch {
      throw badRequest('the request body is not valid JSON');
    }
    let patched: unknown;
    if (type === 'application/json-patch+json') patched = jsonPatch(current, patch);
    else if (type === 'application/merge-patch+json') patched = mergePatch(current, patch);
    else if (type === 'application/strategic-merge-patch+json') {
      if (t.crd)
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          'strategic merge patch is not supported for custom resources; use a merge patch',
        );
      patched = strategicMergePatch(current, patch);
    } else
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
    return this.update(t, ns, name, this.retainRv(current, patched as KubeObject), subresource, opts);
  }

  /** A patch without a resourceVersion applies to the current object, whatever its version. */
  private retainRv(current: KubeObject, patched: KubeObject): KubeObject {
    const out = { ...patched, metadata: { ...(patched.metadata ?? {}) } } as KubeObject;
    out.metadata.resourceVersion ??= current.metadata.resourceVersion;
    return out;
  }

  delete(t: ResourceType, ns: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const current = this.get(t, ns, name);
    const pre = opts.preconditions ?? {};
    if (
      (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) ||
      (pre.uid && pre.uid !== current.metadata.uid)
    )
      throw conflict(qualifiedResource(t), t.group, name);
    if (opts.dryRun) return current;
    const finalizers = [...(current.metadata.finalizers ?? [])];
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
      finalizers.push('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (t.kind === 'Namespace' && t.group === '' && !finalizers.includes('kubernetes'))
      finalizers.push('kubernetes');
    if (finalizers.length === 0) return this.remove(t, current);
    if (
      current.metadata.deletionTimestamp &&
      JSON.stringify(finalizers) === JSON.stringify(current.metadata.finalizers)
    )
      return current;
    const marked = structuredClone(current);
    marked.metadata.finalizers = finalizers;
    marked.metadata.deletionTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    marked.metadata.deletionGracePeriodSeconds = 0;
    marked.metadata.generation = (marked.metadata.generation ?? 0) + 1;
    if (t.kind === 'Namespace' && t.group === '') marked.status = { phase: 'Terminating' };
    const stored = this.store.write(resourceKey(t), marked, 'MODIFIED');
    this.notify(t, stored, 'MODIFIED');
    return this.out(t, stored);
  }

  /** Removes the object now (its finalizers are done). */
  remove(t: ResourceType, current: KubeObject): KubeObject {
    const gone = this.store.remove(resourceKey(t), current);
    this.notify(t, gone, 'DELETED');
    return this.out(t, gone);
  }

  private commit(t: ResourceType, current: KubeObject, next: KubeObject, opts: WriteOptions): KubeObject {
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    admit(t, next, current, opts, this.store.resourceVersion);
    if (specOf(next) !== specOf(current)) next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    if (stripVolatile(this.out(t, next)) === stripVolatile(current)) return current;
    if (opts.dryRun) return this.out(t, next);
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length)
      return this.remove(t, next);
    const stored = this.store.write(resourceKey(t), next, 'MODIFIED');
    this.notify(t, stored, 'MODIFIED');
    return this.out(t, stored);
  }

  private notify(t: ResourceType, obj: KubeObject, type: 'ADDED' | 'MODIFIED' | 'DELETED'): void {
    for (const hook of this.onChange) hook(t, this.out(t, obj), type);
  }

  private checkBody(t: ResourceType, body: unknown): KubeObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('the request body must be a JSON object');
    const obj = structuredClone(body) as KubeObject;
    if (obj.kind && obj.kind !== t.kind)
      throw badRequest(`the kind of the object (${obj.kind}) does not match the resource (${t.kind})`);
    if (obj.apiVersion && obj.apiVersion !== apiVersionOf(t))
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(t)})`,
      );
    obj.metadata = { ...(obj.metadata ?? {}) } as KubeObject['metadata'];
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    return obj;
  }
}
