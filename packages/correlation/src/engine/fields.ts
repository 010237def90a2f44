// Field lookup shared by matchers, inhibition `equal` and the correlation key template.
import type { Matcher } from './types.ts';

export interface FieldSource {
  source: string;
  asset: string;
  signature: string;
  service: string | null;
  severity: string;
  summary?: string;
  labels: Record<string, string>;
}

const FIELDS = new Set(['source', 'asset', 'signature', 'service', 'severity', 'summary']);

/** A normalized field (`asset`…), `label:<name>`, or a bare label name. Missing → ''. */
export function fieldValue(a: FieldSource, field: string): string {
  if (field.startsWith('label:')) return a.labels[field.slice(6)] ?? '';
  if (FIELDS.has(field)) {
    const v = (a as unknown as Record<string, unknown>)[field];
    return typeof v === 'string' ? v : '';
  }
  return a.labels[field] ?? '';
}

const regexCache = new Map<string, RegExp | null>();

/** Anchored like Alertmanager (`^(?:re)$`); an invalid expression never matches. */
function anchored(re: string): RegExp | null {
  let r = regexCache.get(re);
  if (r === undefined) {
    try {
      r = new RegExp(`^(?:${re})$`);
    } catch {
      r = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(re, r);
  }
  return r;
}

export function matcherMatches(a: FieldSource, m: Matcher): boolean {
  const v = fieldValue(a, m.field);
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value)?.test(v) ?? false;
    case '!~':
      return !(anchored(m.value)?.test(v) ?? false);
    default:
      return false;
  }
}

/** Every matcher must hold (AND), as in Alertmanager silences and inhibition rules. An empty list matches all. */
export function allMatch(a: FieldSource, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => matcherMatches(a, m));
}

/** Parses stored JSON matchers, dropping malformed entries. */
export function parseMatchers(raw: unknown): Matcher[] {
  if (!Array.isArray(raw)) return [];
  const out: Matcher[] = [];
  for (const m of raw) {
    if (!m || typeof m !== 'object') continue;
    const { field, op, value } = m as Record<string, unknown>;
    if (typeof field !== 'string' || typeof value !== 'string') continue;
    const o = op ?? '=';
    if (o !== '=' && o !== '!=' && o !== '=~' && o !== '!~') continue;
    out.push({ field, op: o, value });
  }
  return out;
}

/** The correlation key: template parts separated by `|`, each a field name or `label:<name>`. */
export function correlationKey(template: string, a: FieldSource): string {
  return template
    .split('|')
    .map((f) => fieldValue(a, f.trim()))
    .join('|');
}

export function validKeyTemplate(template: string): boolean {
  const parts = template.split('|').map((p) => p.trim());
  return (
    parts.length > 0 &&
    parts.length <= 6 &&
    parts.every((p) => FIELDS.has(p) || /^label:[A-Za-z0-9_.\-/]{1,100}$/.test(p))
  );
}
