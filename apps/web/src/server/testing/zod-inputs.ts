// Builds a valid input for a tRPC procedure from its zod (v4) schema, with every id-like field filled
// by a caller-supplied function. The tenant sweep uses it to call every procedure with another
// tenant's ids without a hand-written input per procedure: a new procedure is covered by itself.
import type { z } from 'zod';

export interface IdFill {
  /** A uuid for the field `key` (the object key nearest to it: `companyId`, `id`, `ids`, …). */
  uuid(key: string): string;
  /** A numeric id written as digits (bigint alert ids), for string fields that only allow digits. */
  digits(key: string): string;
}

type Def = {
  type: string;
  [k: string]: unknown;
};
/** `^\d+$`, `^\d{1,19}$`: a numeric id written as a string. */
const DIGITS_ONLY = /^\^\\d(\+|\{\d*,?\d*\})\$$/;
// One instant for every generated date, and periods that make sense (`from` a day before `to`), so a
// call and its baseline differ only in the ids.
const NOW = Date.now();
const dateFor = (key: string) => new Date(/from|start|since|begin/i.test(key) ? NOW - 86_400_000 : NOW);
const def = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

interface StringChecks {
  format?: string;
  pattern?: RegExp;
  min?: number;
  max?: number;
}

function stringChecks(d: Def): StringChecks {
  const out: StringChecks = {};
  if (typeof d.format === 'string') out.format = d.format;
  for (const c of (d.checks as unknown[] | undefined) ?? []) {
    const cd = def(c) as Def & {
      check?: string;
      format?: string;
      pattern?: RegExp;
      minimum?: number;
      maximum?: number;
    };
    if (cd.check === 'string_format') {
      out.format = cd.format;
      if (cd.format === 'regex' && cd.pattern) out.pattern = cd.pattern;
    }
    if (cd.check === 'min_length') out.min = cd.minimum;
    if (cd.check === 'max_length') out.max = cd.maximum;
  }
  return out;
}

function numberBounds(d: Def): { min?: number; max?: number; int: boolean } {
  const out: { min?: number; max?: number; int: boolean } = { int: d.format === 'safeint' };
  for (const c of (d.checks as unknown[] | undefined) ?? []) {
    const cd = def(c) as Def & { check?: string; value?: number; format?: string };
    if (cd.check === 'greater_than') out.min = Number(cd.value) + (cd.inclusive ? 0 : 1);
    if (cd.check === 'less_than') out.max = Number(cd.value) - (cd.inclusive ? 0 : 1);
    if (cd.check === 'number_format') out.int = true;
  }
  return out;
}

/** Whether any id-like field sits anywhere inside `s` (optional fields holding one are filled). */
export function holdsId(s: unknown, depth = 0): boolean {
  if (!s || depth > 12) return false;
  const d = def(s);
  switch (d.type) {
    case 'string': {
      const c = stringChecks(d);
      return c.format === 'uuid' || (c.pattern !== undefined && DIGITS_ONLY.test(c.pattern.source));
    }
    case 'object':
      return Object.values(d.shape as Record<string, unknown>).some((v) => holdsId(v, depth + 1));
    case 'array':
      return holdsId(d.element, depth + 1);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return holdsId(d.innerType, depth + 1);
    case 'pipe':
      return holdsId(d.in, depth + 1);
    case 'union':
      return (d.options as unknown[]).some((o) => holdsId(o, depth + 1));
    default:
      return false;
  }
}

function stringValue(key: string, d: Def, fill: IdFill): string {
  const c = stringChecks(d);
  if (c.format === 'uuid' || c.format === 'guid') return fill.uuid(key);
  if (c.format === 'email') return 'sweep@example.test';
  if (c.format === 'url') return 'https://example.test/sweep';
  if (c.format === 'datetime') return dateFor(key).toISOString();
  if (c.pattern) {
    if (DIGITS_ONLY.test(c.pattern.source)) return fill.digits(key);
    for (const candidate of [
      'sweep',
      'sweep-1',
      'SWEEP',
      'a',
      '1',
      'us-east-1',
      'arn:aws:iam::123456789012:role/Sweep',
      'i-0123456789abcdef0',
    ])
      if (c.pattern.test(candidate)) return candidate;
  }
  let v = 'sweep';
  if (c.min !== undefined && v.length < c.min) v = v.padEnd(c.min, 'x');
  if (c.max !== undefined && v.length > c.max) v = v.slice(0, c.max);
  return v;
}

/** A value that satisfies `schema`, ids from `fill`; optional parts are left out unless they hold ids. */
export function buildInput(schema: z.ZodType | unknown, fill: IdFill, key = '', depth = 0): unknown {
  if (!schema || depth > 12) return undefined;
  const d = def(schema);
  switch (d.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d.shape as Record<string, unknown>)) {
        const value = buildInput(v, fill, k, depth + 1);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    case 'optional':
    case 'nullable':
      return holdsId(d.innerType) ? buildInput(d.innerType, fill, key, depth + 1) : undefined;
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return buildInput(d.innerType, fill, key, depth + 1);
    case 'pipe':
      return buildInput(d.in, fill, key, depth + 1);
    case 'lazy':
      return buildInput((d.getter as () => unknown)(), fill, key, depth + 1);
    case 'string':
      return stringValue(key, d, fill);
    case 'number': {
      const b = numberBounds(d);
      return b.min !== undefined ? b.min : b.max !== undefined ? Math.min(1, b.max) : 1;
    }
    case 'bigint':
      return 1n;
    case 'boolean':
      return false;
    case 'date':
      return dateFor(key);
    case 'enum':
      return Object.values(d.entries as Record<string, unknown>)[0];
    case 'literal':
      return (d.values as unknown[])[0];
    case 'array': {
      const min = ((d.checks as unknown[] | undefined) ?? [])
        .map((c) => def(c) as Def & { check?: string; minimum?: number })
        .find((c) => c.check === 'min_length')?.minimum;
      const n = Math.max(1, min ?? 0);
      return Array.from({ length: n }, () => buildInput(d.element, fill, key, depth + 1));
    }
    case 'union': {
      const opts = d.options as unknown[];
      return buildInput(opts.find((o) => holdsId(o)) ?? opts[0], fill, key, depth + 1);
    }
    case 'record':
      return {};
    case 'any':
    case 'unknown':
      return {};
    case 'null':
      return null;
    default:
      return undefined;
  }
}
