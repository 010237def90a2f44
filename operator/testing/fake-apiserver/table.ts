// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which `kubectl
// get` asks for: NAME + AGE for every kind, plus a CRD's additionalPrinterColumns evaluated with
// the JSONPath subset they use (`.a.b`, `[n]`, `[*]`, `[?(@.k=="v")]`).
import type { ResourceType } from './resources.ts';
import type { KubeObject } from './store.ts';

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

function age(iso: unknown): string {
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(String(iso))) / 1000));
  if (!Number.isFinite(s)) return '<unknown>';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Values at a JSONPath like `.status.conditions[?(@.type=="Ready")].status`. */
export function jsonPath(obj: unknown, path: string): unknown[] {
  const tokens = path.match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown[] = [obj];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || typeof v !== 'object') continue;
      if (t.startsWith('.')) next.push((v as Record<string, unknown>)[t.slice(1)]);
      else if (t === '[*]') next.push(...(Array.isArray(v) ? v : Object.values(v)));
      else if (/^\[\d+\]$/.test(t)) next.push((v as unknown[])[Number(t.slice(1, -1))]);
      else {
        const m = /^\[\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)\]$/.exec(t);
        if (m && Array.isArray(v)) next.push(...v.filter((x) => jsonPath(x, `.${m[1]}`)[0] === m[2]));
      }
    }
    cur = next.filter((x) => x !== undefined);
  }
  return cur;
}

function cell(type: string, values: unknown[]): unknown {
  if (values.length === 0) return type === 'integer' || type === 'number' ? null : '';
  if (type === 'date') return age(values[0]);
  if (values.length > 1)
    return values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  const v = values[0];
  return typeof v === 'object' ? JSON.stringify(v) : v;
}

export function toTable(
  t: ResourceType,
  items: KubeObject[],
  resourceVersion: string,
): Record<string, unknown> {
  const custom = (t.printerColumns ?? []).filter((c) => c.jsonPath !== '.metadata.creationTimestamp');
  const columns = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the object', priority: 0 },
    ...custom.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'string' : c.type,
      format: '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    { name: 'Age', type: 'string', format: '', description: 'Time since creation', priority: 0 },
  ];
  const rows = items.map((o) => ({
    cells: [
      o.metadata.name,
      ...custom.map((c) => cell(c.type, jsonPath(o, c.jsonPath))),
      age(o.metadata.creationTimestamp),
    ],
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
  }));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns,
    rows,
  };
}
