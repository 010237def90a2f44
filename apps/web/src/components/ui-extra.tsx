'use client';

// Client-side primitives shared by the KPI and settings pages: copy buttons, code blocks, a switch,
// a matcher-free textarea field, a company picker bound to `?company=`, a date-range picker and
// small helpers for dates and downloads.
import { isStaffRole, type Role } from '@aw/core/domain';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type ReactNode, type TextareaHTMLAttributes, useEffect, useId, useRef, useState } from 'react';
import { type DateRange, fromLocalInput, presetRange, PRESETS, toLocalInput } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { Badge, Button, cx, EmptyState, ErrorNote, FieldFrame, inputClass, Select, Skeleton } from './ui';

/** Put on a page's root: disabled (read-only) fields look disabled, in light and dark mode. */
export const dimDisabled =
  '[&_:is(input,select,textarea):disabled]:cursor-not-allowed [&_:is(input,select,textarea):disabled]:bg-zinc-100 [&_:is(input,select,textarea):disabled]:text-zinc-500 dark:[&_:is(input,select,textarea):disabled]:bg-zinc-950 dark:[&_:is(input,select,textarea):disabled]:text-zinc-400';

/** `value`, once it has stopped changing for `ms` (search boxes, live previews). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** True after the first client render: use it for anything that depends on the browser (time zone, origin). */
export function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** Copies `text`; says so in a polite live region. Falls back to selecting nothing when the clipboard is refused. */
export function CopyButton({
  text,
  label = 'Copy',
  className,
}: {
  text: string;
  label?: string;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        className={className}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setState('copied');
          } catch {
            setState('failed');
          }
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => setState('idle'), 2500);
        }}
      >
        {label}
      </Button>
      <span aria-live="polite" className="text-xs text-zinc-600 dark:text-zinc-400">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select the text and copy it by hand' : ''}
      </span>
    </span>
  );
}

/** A read-only block of code or a secret with a copy button. */
export function CodeBlock({
  code,
  label,
  copyLabel,
  wrap = false,
}: {
  code: string;
  label: string;
  copyLabel?: string;
  wrap?: boolean;
}) {
  const id = useId();
  return (
    <div>
      <div className="mb-1 flex flex-wrap items-center justify-between gap-2">
        <span id={id} className="text-sm font-medium">
          {label}
        </span>
        <CopyButton text={code} label={copyLabel ?? `Copy ${label.toLowerCase()}`} />
      </div>
      <pre
        aria-labelledby={id}
        tabIndex={0}
        className={cx(
          'max-h-80 overflow-auto rounded-md bg-zinc-100 p-3 font-mono text-xs text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100',
          wrap ? 'whitespace-pre-wrap break-all' : 'whitespace-pre',
        )}
      >
        {code}
      </pre>
    </div>
  );
}

/** A secret shown once, with a copy button and a plain warning. */
export function OneTimeSecret({
  label,
  value,
  children,
  onDismiss,
}: {
  label: string;
  value: string;
  children?: ReactNode;
  onDismiss?: () => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  // Move focus to the secret so keyboard and screen-reader users land on it (and it is selected).
  useEffect(() => input.current?.focus(), [value]);
  return (
    <div
      role="status"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950"
    >
      <p className="font-medium text-amber-900 dark:text-amber-100">
        Copy this now: it is shown only once and cannot be retrieved later.
      </p>
      <label htmlFor={id} className="block text-xs font-medium">
        {label}
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className={cx(inputClass, 'min-w-0 flex-1 font-mono text-xs')}
        />
        <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />
      </div>
      {children}
      {onDismiss ? (
        <Button variant="ghost" onClick={onDismiss}>
          I have stored it
        </Button>
      ) : null}
    </div>
  );
}

export function TextArea({
  label,
  id,
  hint,
  error,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  id: string;
  hint?: string;
  error?: string | null;
}) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      {(aria) => (
        <textarea
          id={id}
          name={props.name ?? id}
          {...aria}
          {...props}
          className={cx('mt-1 font-mono text-xs', inputClass, props.className)}
        />
      )}
    </FieldFrame>
  );
}

/** An on/off switch (role="switch") with a visible label and an optional description. */
export function Switch({
  checked,
  onChange,
  label,
  description,
  disabled,
}: {
  checked: boolean;
  onChange: (next: boolean) => void;
  label: string;
  description?: ReactNode;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        aria-describedby={description ? `${id}-desc` : undefined}
        disabled={disabled}
        onClick={() => onChange(!checked)}
        className={cx(
          'relative mt-0.5 inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed disabled:opacity-60',
          checked ? 'bg-indigo-600' : 'bg-zinc-300 dark:bg-zinc-700',
        )}
      >
        <span
          aria-hidden
          className={cx(
            'inline-block h-5 w-5 rounded-full bg-white shadow transition-transform',
            checked ? 'translate-x-5' : 'translate-x-0.5',
          )}
        />
      </button>
      <div>
        <span id={`${id}-label`} className="text-sm font-medium">
          {label}
        </span>
        {description ? (
          <div id={`${id}-desc`} className="text-xs text-zinc-600 dark:text-zinc-400">
            {description}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** A polite live region for the outcome of an action (saved, created, failed). */
export function LiveNote({ children, tone = 'green' }: { children: ReactNode; tone?: 'green' | 'zinc' }) {
  return (
    <p
      role="status"
      aria-live="polite"
      className={cx(
        'text-sm',
        tone === 'green' ? 'text-green-800 dark:text-green-300' : 'text-zinc-600 dark:text-zinc-400',
      )}
    >
      {children}
    </p>
  );
}

export function ReadOnlyNote({ children }: { children?: ReactNode }) {
  return (
    <p
      role="note"
      className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-300"
    >
      {children ?? 'Read-only: your role can view these settings but not change them.'}
    </p>
  );
}

export function SectionTitle({
  children,
  id,
  aside,
}: {
  children: ReactNode;
  id?: string;
  aside?: ReactNode;
}) {
  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <h2 id={id} className="font-medium">
        {children}
      </h2>
      {aside}
    </div>
  );
}

// ───────────── company scope ─────────────

export interface ScopedCompany {
  id: string;
  name: string;
  simulated: boolean;
  hmacRequired: boolean;
  webhookOnly: boolean;
  awsStatus: string;
}

/**
 * The company a company-scoped page works on: `?company=<id>` for MSP staff (default: the first
 * company), always their own for client people.
 */
export function useCompanyScope(opts: { myCompanyId: string | null; allowAll?: boolean }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const companies = useQuery(trpc.company.list.queryOptions());
  const requested = params.get('company');
  const list = companies.data ?? [];
  let selectedId: string | null;
  if (opts.myCompanyId) selectedId = opts.myCompanyId;
  else if (requested && list.some((c) => c.id === requested)) selectedId = requested;
  else if (opts.allowAll) selectedId = null;
  else selectedId = list[0]?.id ?? null;
  const selected = list.find((c) => c.id === selectedId) ?? null;
  const select = (id: string | null) => {
    const next = new URLSearchParams(params.toString());
    if (id) next.set('company', id);
    else next.delete('company');
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  return { companies, list, selectedId, selected, select, unknownRequested: Boolean(requested) && !selected };
}

export function CompanyPicker({
  scope,
  isClient,
  allowAll = false,
  id = 'company-picker',
}: {
  scope: ReturnType<typeof useCompanyScope>;
  isClient: boolean;
  allowAll?: boolean;
  id?: string;
}) {
  if (scope.companies.isPending) return <Skeleton className="h-10 w-60" />;
  if (isClient)
    return (
      <p className="text-sm">
        Company: <span className="font-medium">{scope.selected?.name ?? '—'}</span>
      </p>
    );
  return (
    <div className="w-full sm:w-80">
      <Select
        id={id}
        label="Company"
        value={scope.selectedId ?? ''}
        onChange={(e) => scope.select(e.target.value || null)}
      >
        {allowAll ? <option value="">All companies</option> : null}
        {scope.list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.simulated ? ' (simulated AWS)' : ''}
          </option>
        ))}
      </Select>
      {scope.unknownRequested ? (
        <p role="status" className="mt-1 text-xs text-amber-800 dark:text-amber-300">
          The company in the link is not one of yours; showing {scope.selected?.name ?? 'all companies'}{' '}
          instead.
        </p>
      ) : null}
    </div>
  );
}

/** Shared frame of a company-scoped settings page: loading, errors, "no companies yet". */
export function CompanyGate({
  scope,
  children,
}: {
  scope: ReturnType<typeof useCompanyScope>;
  children: (company: ScopedCompany) => ReactNode;
}) {
  if (scope.companies.isPending)
    return (
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-40" />
        <Skeleton className="h-40" />
      </div>
    );
  if (scope.companies.isError)
    return (
      <ErrorNote>
        Could not load your companies: {scope.companies.error.message}.{' '}
        <button type="button" className="underline" onClick={() => void scope.companies.refetch()}>
          Try again
        </button>
      </ErrorNote>
    );
  if (!scope.selected)
    return (
      <EmptyState title="No client company yet">
        Add a client company under{' '}
        <Link href="/companies" className="underline">
          Companies
        </Link>
        ; its settings appear here.
      </EmptyState>
    );
  return <>{children(scope.selected)}</>;
}

/**
 * The frame of every company-scoped settings page: the company picker (staff) or the viewer's own
 * company (client people), then the page's body for the chosen company, rendered in the browser
 * only (it reads the search parameter and the time zone).
 */
export function CompanyScopedPage({
  role,
  myCompanyId,
  id,
  children,
}: {
  role: Role;
  myCompanyId: string | null;
  id: string;
  children: (company: ScopedCompany) => ReactNode;
}) {
  const scope = useCompanyScope({ myCompanyId });
  const mounted = useMounted();
  return (
    <div className={`space-y-6 ${dimDisabled}`}>
      <CompanyPicker scope={scope} isClient={!isStaffRole(role)} id={id} />
      {mounted ? <CompanyGate scope={scope}>{children}</CompanyGate> : <Skeleton className="h-64" />}
    </div>
  );
}

export function SimulatedBadge() {
  return <Badge tone="orange">Simulated AWS account</Badge>;
}

// ───────────── dates ─────────────

export function DateRangePicker({
  value,
  onChange,
  idPrefix = 'range',
}: {
  value: DateRange;
  onChange: (r: DateRange) => void;
  idPrefix?: string;
}) {
  const [from, setFrom] = useState(() => toLocalInput(value.from));
  const [to, setTo] = useState(() => toLocalInput(value.to));
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div role="group" aria-label="Period" className="flex flex-wrap gap-1">
        {PRESETS.map((p) => (
          <Button
            key={p.value}
            variant={value.preset === p.value ? 'primary' : 'secondary'}
            aria-pressed={value.preset === p.value}
            onClick={() => {
              setError(null);
              onChange(presetRange(p.value));
            }}
          >
            {p.value === '24h' ? '24 h' : p.value === '7d' ? '7 d' : '30 d'}
          </Button>
        ))}
        <Button
          variant={value.preset === 'custom' ? 'primary' : 'secondary'}
          aria-pressed={value.preset === 'custom'}
          onClick={() => {
            setFrom(toLocalInput(value.from));
            setTo(toLocalInput(value.to));
            onChange({ ...value, preset: 'custom' });
          }}
        >
          Custom
        </Button>
      </div>
      {value.preset === 'custom' ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const f = fromLocalInput(from);
            const t = fromLocalInput(to);
            if (!f || !t) return setError('Enter both dates.');
            if (t <= f) return setError('“To” must be after “From”.');
            if (t.getTime() - f.getTime() > 400 * 86_400_000) return setError('At most 400 days.');
            setError(null);
            onChange({ preset: 'custom', from: f, to: t });
          }}
        >
          <div>
            <label htmlFor={`${idPrefix}-from`} className="block text-xs font-medium">
              From
            </label>
            <input
              id={`${idPrefix}-from`}
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              className={cx('mt-1', inputClass)}
            />
          </div>
          <div>
            <label htmlFor={`${idPrefix}-to`} className="block text-xs font-medium">
              To
            </label>
            <input
              id={`${idPrefix}-to`}
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              className={cx('mt-1', inputClass)}
            />
          </div>
          <Button type="submit" variant="secondary">
            Apply
          </Button>
          {error ? (
            <p role="alert" className="w-full text-xs text-red-700 dark:text-red-300">
              {error}
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}

/** Saves text as a file through a temporary object URL (works for CSV, JSON templates). */
export function downloadText(filename: string, text: string, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** tRPC error → one readable line. */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const data = (e as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } }).data;
    const fields = data?.zodError?.fieldErrors;
    if (fields && Object.keys(fields).length)
      return Object.entries(fields)
        .map(([k, v]) => `${k}: ${v.join(', ')}`)
        .join('; ');
    return String((e as { message: string }).message);
  }
  return 'Something went wrong.';
}
