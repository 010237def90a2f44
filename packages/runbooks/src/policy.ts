// Which policies an incident matches, and the document parameters a policy derives from the
// alert: values may use {{labels.<name>}}, {{asset}} and {{signature}}. The result is only a
// candidate: it is checked against the document's allowedPattern before anything runs.

export interface PolicyMatcher {
  signature: string;
  asset: string | null;
  labelMatchers: Record<string, string>;
  enabled: boolean;
}

export interface AlertContext {
  signature: string;
  asset: string;
  labels: Record<string, string>;
}

export function policyMatches(p: PolicyMatcher, ctx: AlertContext): boolean {
  if (!p.enabled || p.signature !== ctx.signature) return false;
  if (p.asset && p.asset !== ctx.asset) return false;
  return Object.entries(p.labelMatchers).every(([k, v]) => ctx.labels[k] === v);
}

const PLACEHOLDER = /\{\{\s*(labels\.[A-Za-z0-9_.-]+|asset|signature)\s*\}\}/g;

export type TemplateResult =
  { ok: true; values: Record<string, string> } | { ok: false; problems: { field: string; reason: string }[] };

export function templateParameters(templates: Record<string, unknown>, ctx: AlertContext): TemplateResult {
  const values: Record<string, string> = {};
  const problems: { field: string; reason: string }[] = [];
  for (const [field, tpl] of Object.entries(templates)) {
    if (typeof tpl !== 'string') {
      problems.push({ field, reason: 'the policy value must be a string' });
      continue;
    }
    let missing: string | null = null;
    values[field] = tpl.replace(PLACEHOLDER, (_w, ref: string) => {
      if (ref === 'asset') return ctx.asset;
      if (ref === 'signature') return ctx.signature;
      const v = ctx.labels[ref.slice('labels.'.length)];
      if (v === undefined) missing = ref;
      return v ?? '';
    });
    if (missing) problems.push({ field, reason: `the alert has no label ${(missing as string).slice(7)}` });
  }
  return problems.length ? { ok: false, problems } : { ok: true, values };
}

/** Alert labels as strings (labels are stored as JSON; non-strings are ignored). */
export function stringLabels(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
