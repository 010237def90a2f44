'use client';

// A preview of the situation settings in the form: the backtest replays the company's stored alerts
// of the last days through the saved situation settings and through the form's values, and shows
// what a technician would see with each. Nothing is saved.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, ErrorNote, Select } from '~/components/ui';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';
import type { Backtest } from './config-form-state';

export type SituationPatch = {
  enabled: boolean;
  windowMinutes: number;
  entities: string[];
  hubShare: number;
  maxIncidents: number;
  maxSpanMinutes: number;
  topology: Record<string, string[]>;
};

const DAYS = [1, 7, 30] as const;

export function SituationPreview({
  companyId,
  candidate,
  invalid,
  now,
}: {
  companyId: string;
  /** The form's situation values as a patch; null while one of them is not a number. */
  candidate: SituationPatch | null;
  invalid: boolean;
  now: number;
}) {
  const trpc = useTRPC();
  const [days, setDays] = useState<(typeof DAYS)[number]>(7);
  const run = useMutation(trpc.correlation.backtest.mutationOptions());
  return (
    <div
      role="group"
      className="mt-4 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      aria-label="Situation preview"
    >
      <p className="text-sm font-medium">Preview from the backtest</p>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Replays this company&apos;s stored alerts through the saved situation settings and through the values
        above, with the same incident settings. Nothing is saved.
      </p>
      <div className="mt-2 flex flex-wrap items-end gap-3">
        <Select
          id="sit-preview-days"
          label="Period"
          value={String(days)}
          onChange={(e) => setDays(Number(e.target.value) as (typeof DAYS)[number])}
        >
          {DAYS.map((d) => (
            <option key={d} value={d}>
              Last {d === 1 ? 'day' : `${d} days`}
            </option>
          ))}
        </Select>
        <Button
          variant="secondary"
          disabled={run.isPending || invalid || !candidate}
          onClick={() =>
            candidate &&
            run.mutate({
              companyId,
              from: new Date(now - days * 86_400_000),
              to: new Date(now),
              candidate: {},
              candidateSituations: candidate,
            })
          }
        >
          {run.isPending ? 'Replaying…' : 'Preview these values'}
        </Button>
      </div>
      <div aria-live="polite" className="mt-3">
        {run.isError ? <ErrorNote>Preview failed: {errorText(run.error)}</ErrorNote> : null}
        {run.data ? <PreviewTable result={run.data} /> : null}
      </div>
    </div>
  );
}

function PreviewTable({ result }: { result: Backtest }) {
  if (result.alerts === 0)
    return <p className="text-sm">No alerts in this period: pick a longer one to see a preview.</p>;
  const { current: a, candidate: b } = result;
  const nr = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
  const delta = b.situations - a.situations;
  const rows: [string, string | number, string | number][] = [
    ['Incidents', a.incidents, b.incidents],
    ['Situations (two or more incidents)', a.linkedSituations, b.linkedSituations],
    ['Largest situation (incidents)', a.largestSituation, b.largestSituation],
    ['Items a technician sees', a.situations, b.situations],
    [
      'Noise reduction by situations',
      nr(a.noiseReductionBySituationsPct),
      nr(b.noiseReductionBySituationsPct),
    ],
  ];
  return (
    <div role="region" aria-label="Situation preview result">
      <p className="mb-2 text-sm">
        {result.alerts.toLocaleString()} alerts replayed.{' '}
        <Badge tone={delta < 0 ? 'green' : delta > 0 ? 'amber' : 'zinc'}>
          {delta === 0 ? 'Same number of items' : `${delta > 0 ? '+' : ''}${delta} items with these values`}
        </Badge>
      </p>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Saved situation settings compared with the values in the form</caption>
        <thead className="text-xs text-zinc-500 dark:text-zinc-400">
          <tr>
            <th scope="col" className="py-1 font-normal" />
            <th scope="col" className="py-1 text-right font-normal">
              Saved
            </th>
            <th scope="col" className="py-1 text-right font-normal">
              These values
            </th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {rows.map(([label, x, y]) => (
            <tr key={label} className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1 font-normal">
                {label}
              </th>
              <td className="text-right">{x}</td>
              <td className="text-right font-medium">{y}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
