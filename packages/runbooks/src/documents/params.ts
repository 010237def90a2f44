// Parameter values against a document's declared parameters: the check every execution passes
// BEFORE any AWS call (SSM checks allowedPattern too, but a refused value must never reach it).
import type { DocumentParameter } from './validate.ts';

export interface ParameterProblem {
  field: string;
  reason: string;
}

export type ParameterCheck =
  { ok: true; values: Record<string, string> } | { ok: false; problems: ParameterProblem[] };

export function documentParameters(content: string): Record<string, DocumentParameter> {
  const doc = JSON.parse(content) as { parameters?: Record<string, DocumentParameter> };
  return doc.parameters ?? {};
}

/**
 * Every supplied value must be a declared String parameter matching its allowedPattern; every
 * parameter without a default must be supplied. `implicit` names parameters the platform fills
 * itself (AutomationAssumeRole), which callers may not set.
 */
export function checkParameterValues(
  content: string,
  values: Record<string, unknown>,
  implicit: readonly string[] = [],
): ParameterCheck {
  const declared = documentParameters(content);
  const problems: ParameterProblem[] = [];
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(values)) {
    const p = declared[name];
    if (!p || implicit.includes(name)) {
      problems.push({ field: name, reason: 'is not a parameter of this document' });
      continue;
    }
    if (typeof v !== 'string') {
      problems.push({ field: name, reason: 'must be a string' });
      continue;
    }
    if (!p.allowedPattern || !new RegExp(p.allowedPattern).test(v)) {
      problems.push({
        field: name,
        reason: `does not match the allowed pattern ${p.allowedPattern ?? '(none)'}`,
      });
      continue;
    }
    out[name] = v;
  }
  for (const [name, p] of Object.entries(declared)) {
    if (name in out || implicit.includes(name) || problems.some((x) => x.field === name)) continue;
    if (typeof p.default === 'string') out[name] = p.default;
    else problems.push({ field: name, reason: 'is required' });
  }
  return problems.length ? { ok: false, problems } : { ok: true, values: out };
}

/** SSM's `{{ Name }}` substitution (what the agent does before running a step). */
export function substituteParameters(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
