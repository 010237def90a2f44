'use client';

// Client-side UI primitives shared by the KPI and settings pages: copy buttons, code blocks, a
// one-time secret, a textarea field, a switch, live and read-only notes, section titles.
import { type ReactNode, type TextareaHTMLAttributes, useEffect, useId, useRef, useState } from 'react';
import { Button, cx, FieldFrame, inputClass } from './ui';

/** Put on a page's root: disabled (read-only) fields look disabled, in light and dark mode. */
export const dimDisabled =
  '[&_:is(input,select,textarea):disabled]:cursor-not-allowed [&_:is(input,select,textarea):disabled]:bg-zinc-100 [&_:is(input,select,textarea):disabled]:text-zinc-500 dark:[&_:is(input,select,textarea):disabled]:bg-zinc-950 dark:[&_:is(input,select,textarea):disabled]:text-zinc-400';

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
