'use client';

// The period picker of the KPI and backtest pages: presets (24 h, 7 d, 30 d) or a custom range.
import { useState } from 'react';
import { type DateRange, fromLocalInput, presetRange, PRESETS, toLocalInput } from '~/lib/format';
import { Button, cx, inputClass } from './ui';

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
