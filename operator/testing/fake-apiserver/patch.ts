// The three PATCH flavours clients send: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
// strategic merge patch (lists of named things merged by their key, `$patch`/`$setElementOrder`/
// `$retainKeys`/`$deleteFromPrimitiveList` directives) for the list fields Kubernetes objects have.
import { ApiError, badRequest } from './errors.ts';

type Json = unknown;
type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export type JsonPatchOp = { op: string; path: string; value?: unknown; from?: string };

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch: invalid path ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], path: string): { parent: JsonObject | unknown[]; key: string } {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw badRequest(`json patch: path ${path} does not exist`);
  }
  if (!isObject(cur) && !Array.isArray(cur)) throw badRequest(`json patch: path ${path} does not exist`);
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const p of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw badRequest(`json patch: path ${path} does not exist`);
  }
  return cur;
}

function removeAt(doc: Json, path: string): Json {
  const { parent, key } = parentOf(doc, pointer(path), path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw badRequest(`json patch: index ${key} out of range at ${path}`);
    return parent.splice(i, 1)[0];
  }
  if (!(key in parent)) throw badRequest(`json patch: path ${path} does not exist`);
  const old = parent[key];
  delete parent[key];
  return old;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const parts = pointer(path);
  if (parts.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length) || (replace && i >= parent.length))
      throw badRequest(`json patch: index ${key} out of range at ${path}`);
    parent.splice(i, replace ? 1 : 0, structuredClone(value));
  } else {
    if (replace && !(key in parent)) throw badRequest(`json patch: path ${path} does not exist`);
    parent[key] = structuredClone(value);
  }
  return doc;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw badRequest('json patch: body must be an array of operations');
  let doc = structuredClone(target);
  for (const op of ops as JsonPatchOp[]) {
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, op.value, false);
        break;
      case 'replace':
        doc = addAt(doc, op.path, op.value, true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        const v = removeAt(doc, op.from ?? '');
        doc = addAt(doc, op.path, v, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, getAt(doc, op.from ?? ''), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value))
          throw new ApiError(422, 'Invalid', `json patch: test operation failed at ${op.path}`);
        break;
      default:
        throw badRequest(`json patch: unknown op ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}

/** Merge key per list field name, as in the Kubernetes Go types' `patchMergeKey` tags. */
const MERGE_KEYS: Record<string, string | ((item: JsonObject) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};
/** Primitive lists merged as sets (`patchStrategy:"merge"`). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: Json, patch: Json): Json {
  return smObject(isObject(target) ? target : {}, isObject(patch) ? patch : {});
}

function smObject(target: JsonObject, patch: JsonObject): JsonObject {
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: JsonObject = { ...target };
  const orders: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      orders.push([k.slice('$setElementOrder/'.length), v as unknown[]]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((v as unknown[]).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field]))
        out[field] = (out[field] as unknown[]).filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) delete out[k];
    else if (isObject(v) && v.$patch === 'delete') delete out[k];
    else if (isObject(v)) out[k] = smObject(isObject(out[k]) ? (out[k] as JsonObject) : {}, v);
    else if (Array.isArray(v)) out[k] = smList(k, Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v);
    else out[k] = v;
  }
  for (const [field, order] of orders) {
    const list = out[field];
    if (!Array.isArray(list)) continue;
    const key = (list.find(isObject) && mergeKeyOf(field, list.find(isObject) as JsonObject)) || undefined;
    const idOf = (x: unknown) => JSON.stringify(key && isObject(x) ? x[key] : x);
    const rank = new Map(order.map((o, i) => [idOf(o), i]));
    out[field] = [...list].sort((a, b) => (rank.get(idOf(a)) ?? Infinity) - (rank.get(idOf(b)) ?? Infinity));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function mergeKeyOf(field: string, sample: JsonObject): string | undefined {
  const k = MERGE_KEYS[field];
  return typeof k === 'function' ? k(sample) : k;
}

function smList(field: string, target: unknown[], patch: unknown[]): unknown[] {
  if (MERGED_PRIMITIVE_LISTS.has(field)) {
    const out = [...target];
    for (const v of patch) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(v);
    return out;
  }
  const sample = patch.find((p) => isObject(p) && p.$patch !== 'replace') as JsonObject | undefined;
  if (patch.some((p) => isObject(p) && p.$patch === 'replace'))
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace'));
  const key = sample ? mergeKeyOf(field, sample) : undefined;
  if (!key) return structuredClone(patch);
  const out = target.map((t) => structuredClone(t));
  for (const item of patch) {
    if (!isObject(item)) continue;
    const i = out.findIndex((t) => isObject(t) && JSON.stringify(t[key]) === JSON.stringify(item[key]));
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = smObject(out[i] as JsonObject, item);
    else out.push(smObject({}, item));
  }
  return out;
}
