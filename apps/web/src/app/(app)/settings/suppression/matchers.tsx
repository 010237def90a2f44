'use client';

import { re2Problem } from '@aw/core/regex';
import { useId } from 'react';
import { Button, cx, inputClass } from '~/components/ui';

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  field: string;
  op: MatchOp;
  value: string;
}

const OPS: { value: MatchOp; label: string }[] = [
  { value: '=', label: 'equals' },
  { value: '!=', label: 'does not equal' },
  { value: '=~', label: 'matches regex' },
  { value: '!~', label: 'does not match regex' },
];

export const FIELD_SUGGESTIONS = [
  'asset',
  'signature',
  'service',
  'source',
  'severity',
  'summary',
  'label:env',
];

export function asMatchers(v: unknown): Matcher[] {
  return Array.isArray(v) ? (v as Matcher[]) : [];
}

export function matcherText(ms: Matcher[]): string {
  return ms.length ? ms.map((m) => `${m.field} ${m.op} "${m.value}"`).join(' and ') : 'every alert';
}

/** Problems of a matcher list, or null (empty field, regex that is not valid RE2). */
export function matcherProblem(ms: Matcher[], required: boolean): string | null {
  if (required && ms.length === 0) return 'Add at least one matcher.';
  for (const m of ms) {
    if (!m.field.trim()) return 'Every matcher needs a field.';
    if (m.op === '=~' || m.op === '!~') {
      // The server runs and validates expressions on RE2; check the same way before sending.
      const reason = re2Problem(m.value);
      if (reason) return `“${m.value}”: ${reason}.`;
    }
  }
  return null;
}

/** Rows of field / operator / value with add and remove; labelled for screen readers per row. */
export function MatcherEditor({
  legend,
  value,
  onChange,
  required,
  emptyText,
  disabled,
}: {
  legend: string;
  value: Matcher[];
  onChange: (ms: Matcher[]) => void;
  required?: boolean;
  emptyText?: string;
  disabled?: boolean;
}) {
  const id = useId();
  const update = (i: number, patch: Partial<Matcher>) =>
    onChange(value.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  return (
    <fieldset disabled={disabled} className="min-w-0">
      <legend className="text-sm font-medium">
        {legend}
        {required ? '' : ' (optional)'}
      </legend>
      <datalist id={`${id}-fields`}>
        {FIELD_SUGGESTIONS.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      {value.length === 0 ? (
        <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">{emptyText ?? 'No matchers yet.'}</p>
      ) : (
        <ul className="mt-1 space-y-2">
          {value.map((m, i) => (
            <li key={i} className="grid grid-cols-[1fr_auto] gap-2 sm:grid-cols-[10rem_10rem_1fr_auto]">
              <input
                aria-label={`${legend} ${i + 1}: field`}
                list={`${id}-fields`}
                value={m.field}
                placeholder="asset"
                onChange={(e) => update(i, { field: e.target.value })}
                className={cx(inputClass, 'font-mono')}
              />
              <select
                aria-label={`${legend} ${i + 1}: operator`}
                value={m.op}
                onChange={(e) => update(i, { op: e.target.value as MatchOp })}
                className={inputClass}
              >
                {OPS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.value} {o.label}
                  </option>
                ))}
              </select>
              <input
                aria-label={`${legend} ${i + 1}: value`}
                value={m.value}
                placeholder="server-prod-01"
                onChange={(e) => update(i, { value: e.target.value })}
                className={cx(inputClass, 'col-span-1 font-mono')}
              />
              <Button
                variant="ghost"
                aria-label={`Remove ${legend.toLowerCase()} ${i + 1}`}
                onClick={() => onChange(value.filter((_, j) => j !== i))}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Button
        variant="secondary"
        className="mt-2"
        aria-label={`Add matcher: ${legend.toLowerCase()}`}
        onClick={() =>
          onChange([...value, { field: value.length ? 'signature' : 'asset', op: '=', value: '' }])
        }
        disabled={value.length >= 20}
      >
        Add matcher
      </Button>
    </fieldset>
  );
}
