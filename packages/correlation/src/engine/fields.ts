// Field lookup shared by matchers, inhibition `equal` and the correlation key template.
import { compileRe2 } from '@aw/core/regex';
import type { IgnoredRule, Matcher, RuleSet } from './types.ts';

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

/** The alert's own label `name` (never an inherited member such as `constructor`); missing → ''. */
export function labelValue(labels: Record<string, string>, name: string): string {
  if (!Object.hasOwn(labels, name)) return '';
  const v = labels[name];
  return typeof v === 'string' ? v : '';
}

/** A normalized field (`asset`…), `label:<name>`, or a bare label name. Missing → ''. */
export function fieldValue(a: FieldSource, field: string): string {
  if (field.startsWith('label:')) return labelValue(a.labels, field.slice(6));
  if (FIELDS.has(field)) {
    const v = (a as unknown as Record<string, unknown>)[field];
    return typeof v === 'string' ? v : '';
  }
  return labelValue(a.labels, field);
}

/**
 * Why a matcher can never hold (a stored regular expression that is not valid RE2), or null.
 * Save-time validation rejects these; rows saved before it are reported, not fatal.
 */
export function matcherProblem(m: Matcher): string | null {
  if (m.op !== '=~' && m.op !== '!~') return null;
  const c = compileRe2(m.value);
  return c.ok ? null : c.reason;
}

/** Rules holding a matcher that can never hold (see matcherProblem), for the decision record. */
export function ruleProblems(rules: RuleSet): IgnoredRule[] {
  const out: IgnoredRule[] = [];
  const check = (kind: IgnoredRule['kind'], id: string, list: string, ms: readonly Matcher[]) =>
    ms.forEach((m, i) => {
      const reason = matcherProblem(m);
      if (reason) out.push({ kind, id, field: `${list}[${i}].value`, reason });
    });
  for (const w of rules.maintenanceWindows) check('maintenanceWindow', w.id, 'matchers', w.matchers);
  for (const s of rules.silences) check('silence', s.id, 'matchers', s.matchers);
  for (const r of rules.inhibitionRules) {
    check('inhibitionRule', r.id, 'sourceMatchers', r.sourceMatchers);
    check('inhibitionRule', r.id, 'targetMatchers', r.targetMatchers);
  }
  return out;
}

/**
 * `=~` / `!~` run on RE2 (linear time), anchored like Alertmanager (the whole value must match).
 * A matcher whose expression is not valid RE2 never holds, for `!~` too, so the rule it belongs
 * to matches nothing.
 */
export function matcherMatches(a: FieldSource, m: Matcher): boolean {
  const v = fieldValue(a, m.field);
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
    case '!~': {
      const re = compileRe2(m.value);
      if (!re.ok) return false;
      return re.fullMatch(v) === (m.op === '=~');
    }
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
