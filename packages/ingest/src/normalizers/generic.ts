// A per-company mapping for user-written payloads (Datadog, Zabbix, scripts): field paths such as
// `host.name`, `tags[0]` or `event["alert.id"]` for asset, signature, severity, status and time. A
// value starting with `=` is a literal (`"severity": "=critical"`). `items` points at an array when
// one request carries several alerts.
import type { NormalizedAlertDraft, SeverityLevel, Status } from '../types.ts';
import {
  badRequest,
  badRequestMany,
  clip,
  isRecord,
  kindFromWord,
  ownValue,
  parseTime,
  setOwn,
  severityFromWord,
  statusFromWord,
  typeOf,
} from '../util.ts';
import { MAX_BATCH, type NormalizeContext, type NormalizeOutput } from './types.ts';

export interface GenericMappingPaths {
  items?: string;
  asset: string;
  signature: string;
  severity?: string;
  status?: string;
  time?: string;
  summary?: string;
  service?: string;
  fingerprint?: string;
  labels?: string;
  /**
   * `=event` / `=stateful`, or a path to a field holding one of those words. Absent: stateful when
   * the mapping has a status path (the sender reports ends), else the GENERIC default (event).
   */
  kind?: string;
  /** Sender words → ours, e.g. { "P1": "critical", "Disaster": "critical" }. */
  severityMap?: Record<string, string>;
  /** Sender words → firing/resolved, e.g. { "PROBLEM": "firing", "OK": "resolved" }. */
  statusMap?: Record<string, string>;
}

type Segment = string | number;

/** Parses `a.b[0]["c.d"]` into segments; null when the path is malformed. */
export function parsePath(path: string): Segment[] | null {
  const out: Segment[] = [];
  let i = 0;
  const s = path.trim();
  if (!s || s.length > 512) return null;
  while (i < s.length) {
    if (s[i] === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) return null;
      const inner = s.slice(i + 1, close);
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"[^"]*"$/.test(inner)) out.push(inner.slice(1, -1));
      else return null;
      i = close + 1;
    } else if (s[i] === '.') {
      if (i === 0 || i === s.length - 1 || s[i + 1] === '.' || s[i + 1] === '[') return null;
      i++;
    } else {
      const m = /^[^.[\]]+/.exec(s.slice(i));
      if (!m) return null;
      out.push(m[0]);
      i += m[0].length;
    }
  }
  return out;
}

export function getPath(root: unknown, segs: Segment[]): unknown {
  let cur = root;
  for (const seg of segs) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isRecord(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

const PATH_KEYS = [
  'items',
  'asset',
  'signature',
  'severity',
  'status',
  'time',
  'summary',
  'service',
  'fingerprint',
  'labels',
  'kind',
] as const;

/** Validates a stored or submitted mapping; 400 lists every bad entry. */
export function parseGenericMapping(v: unknown): GenericMappingPaths {
  if (!isRecord(v)) throw badRequest('mapping', `must be an object, got ${typeOf(v)}`);
  const problems: { field: string; reason: string }[] = [];
  for (const k of PATH_KEYS) {
    const p = v[k];
    if (p === undefined) {
      if (k === 'asset' || k === 'signature') problems.push({ field: `mapping.${k}`, reason: 'is required' });
      continue;
    }
    if (typeof p !== 'string')
      problems.push({ field: `mapping.${k}`, reason: 'must be a field path string' });
    else if (!p.startsWith('=') && !parsePath(p))
      problems.push({ field: `mapping.${k}`, reason: 'is not a valid field path' });
  }
  for (const k of ['severityMap', 'statusMap'] as const) {
    const m = v[k];
    if (m === undefined) continue;
    if (!isRecord(m)) {
      problems.push({ field: `mapping.${k}`, reason: 'must be an object' });
      continue;
    }
    for (const [word, to] of Object.entries(m)) {
      const ok = k === 'severityMap' ? severityFromWord(to) : statusFromWord(to);
      if (!ok)
        problems.push({
          field: `mapping.${k}.${word}`,
          reason: `maps to an unknown ${k === 'severityMap' ? 'severity' : 'status'}`,
        });
    }
  }
  if (problems.length) throw badRequestMany(problems, 'invalid mapping');
  return v as unknown as GenericMappingPaths;
}

function read(item: unknown, expr: string | undefined): unknown {
  if (expr === undefined) return undefined;
  if (expr.startsWith('=')) return expr.slice(1);
  const segs = parsePath(expr);
  return segs ? getPath(item, segs) : undefined;
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function lookup(map: Record<string, string> | undefined, word: string): string {
  if (!map) return word;
  const exact = ownValue(map, word);
  if (exact !== undefined) return exact;
  const lower = word.toLowerCase();
  for (const [k, v] of Object.entries(map)) if (k.toLowerCase() === lower) return v;
  return word;
}

export function normalizeGeneric(
  body: unknown,
  ctx: NormalizeContext,
  mappingInput: GenericMappingPaths,
): NormalizeOutput {
  const mapping = parseGenericMapping(mappingInput);
  let items: unknown[];
  let base = '';
  if (mapping.items) {
    const arr = read(body, mapping.items);
    if (!Array.isArray(arr))
      throw badRequest(mapping.items, `must be an array (mapping.items), got ${typeOf(arr)}`);
    items = arr;
    base = mapping.items;
  } else items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw badRequest(base || 'body', 'must contain at least one alert');
  if (items.length > MAX_BATCH) throw badRequest(base || 'body', `must contain at most ${MAX_BATCH} alerts`);

  const alerts = items.map((item, i): NormalizedAlertDraft => {
    const at = (p: string | undefined) =>
      items.length > 1 || mapping.items || Array.isArray(body) ? `${base}[${i}].${p ?? ''}` : (p ?? 'body');
    const asset = asText(read(item, mapping.asset));
    if (!asset) throw badRequest(at(mapping.asset), 'is missing or not text (mapping.asset)');
    const signature = asText(read(item, mapping.signature));
    if (!signature) throw badRequest(at(mapping.signature), 'is missing or not text (mapping.signature)');
    let severity: SeverityLevel = 'MEDIUM';
    const sevWord = asText(read(item, mapping.severity));
    if (mapping.severity && sevWord !== undefined) {
      const s = severityFromWord(lookup(mapping.severityMap, sevWord));
      if (!s)
        throw badRequest(
          at(mapping.severity),
          `"${clip(sevWord, 64)}" is not a known severity (add it to severityMap)`,
        );
      severity = s;
    }
    let status: Status = 'FIRING';
    const stWord = asText(read(item, mapping.status));
    if (mapping.status && stWord !== undefined) {
      const s = statusFromWord(lookup(mapping.statusMap, stWord));
      if (!s)
        throw badRequest(
          at(mapping.status),
          `"${clip(stWord, 64)}" is not a known status (add it to statusMap)`,
        );
      status = s;
    }
    const t = read(item, mapping.time);
    const hasTime = t !== undefined && t !== null && t !== '';
    const occurredAt = hasTime ? parseTime(t, at(mapping.time)) : ctx.receivedAt;
    const labels: Record<string, string> = {};
    const rawLabels = read(item, mapping.labels);
    if (isRecord(rawLabels))
      for (const [k, v] of Object.entries(rawLabels)) {
        const s = asText(v);
        if (s !== undefined) setOwn(labels, k, clip(s, 1024));
      }
    const fp = asText(read(item, mapping.fingerprint));
    let kind: 'STATEFUL' | 'EVENT' | undefined = mapping.status ? 'STATEFUL' : undefined;
    if (mapping.kind) {
      const word = asText(read(item, mapping.kind));
      const k = word === undefined ? undefined : kindFromWord(word);
      if (word !== undefined && !k)
        throw badRequest(at(mapping.kind), `"${clip(word, 64)}" is not a kind (event or stateful)`);
      if (k) kind = k;
    }
    return {
      ...(kind ? { kind } : {}),
      source: 'GENERIC',
      asset: clip(asset, 255),
      signature: clip(signature, 255),
      service: asText(read(item, mapping.service)) ?? null,
      summary: clip(asText(read(item, mapping.summary)) ?? `${signature} on ${asset}`),
      severity,
      status,
      occurredAt,
      timeFromSender: hasTime,
      labels,
      annotations: {},
      raw: item,
      identity: fp ? `fp:${fp}` : JSON.stringify([asset, signature, Object.entries(labels).sort()]),
    };
  });
  return { alerts };
}

/** What the portal's preview shows: the normalized alerts a sample payload would become, or the problems. */
export function previewGenericMapping(
  mapping: unknown,
  sample: unknown,
):
  | { ok: true; alerts: NormalizedAlertDraft[] }
  | { ok: false; problems: { field: string; reason: string }[] } {
  try {
    return {
      ok: true,
      alerts: normalizeGeneric(sample, { receivedAt: new Date() }, mapping as GenericMappingPaths).alerts,
    };
  } catch (e) {
    const problems = (e as { problems?: { field: string; reason: string }[] }).problems;
    return { ok: false, problems: problems ?? [{ field: 'mapping', reason: (e as Error).message }] };
  }
}
