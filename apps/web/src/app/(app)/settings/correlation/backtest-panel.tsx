'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Skeleton } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { DateRangePicker } from '~/components/date-range-picker';
import { SectionTitle } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { type DateRange, formatDateTime, presetRange } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import type { Backtest, Config } from './config-form-state';

export function BacktestPanel({
  company,
  candidate,
  dirty,
  now,
}: {
  company: ScopedCompany;
  candidate: Config | null;
  dirty: boolean;
  now: number;
}) {
  const trpc = useTRPC();
  const [range, setRange] = useState<DateRange>(() => presetRange('7d', now));
  const run = useMutation(trpc.correlation.backtest.mutationOptions());
  return (
    <Card>
      <SectionTitle>Backtest</SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        Replays the stored alerts of {company.name} through the current settings and the values in the form,
        side by side. Nothing is saved or changed.
      </p>
      <DateRangePicker value={range} onChange={setRange} idPrefix="backtest-range" />
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button
          onClick={() => {
            if (!candidate) return;
            run.mutate({ companyId: company.id, from: range.from, to: range.to, candidate });
          }}
          disabled={run.isPending || !candidate}
        >
          {run.isPending ? 'Running backtest…' : 'Run backtest'}
        </Button>
        {!dirty ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            Change a value in the form to compare it with the current settings.
          </span>
        ) : null}
      </div>
      <div aria-live="polite" className="mt-4">
        {run.isPending ? (
          <div className="space-y-2" aria-busy="true">
            <p className="text-sm">Replaying alerts…</p>
            <Skeleton className="h-24" />
          </div>
        ) : run.isError ? (
          <ErrorNote>Backtest failed: {errorText(run.error)}. Try a shorter period.</ErrorNote>
        ) : run.data ? (
          <BacktestResult result={run.data} />
        ) : null}
      </div>
    </Card>
  );
}

const DECISIONS = [
  ['CORRELATED', 'Correlated'],
  ['DEDUPLICATED', 'Deduplicated'],
  ['SUPPRESSED', 'Suppressed'],
  ['INHIBITED', 'Inhibited'],
  ['RESOLVED_SIGNAL', 'Resolved signals'],
] as const;

function BacktestResult({ result }: { result: Backtest }) {
  const nr = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
  const delta = result.candidate.incidents - result.current.incidents;
  if (result.alerts === 0)
    return (
      <EmptyState title="No alerts in this period">
        The backtest had nothing to replay. Pick a longer period, or come back once alerts have arrived.
      </EmptyState>
    );
  return (
    <div className="space-y-4" role="region" aria-label="Backtest result">
      <p className="text-sm">
        {result.alerts.toLocaleString()} alerts from {formatDateTime(result.period.from)} to{' '}
        {formatDateTime(result.period.to)} replayed in {(result.durationMs / 1000).toFixed(1)} s.{' '}
        <Badge tone={delta < 0 ? 'green' : delta > 0 ? 'amber' : 'zinc'}>
          {delta === 0
            ? 'Same number of incidents'
            : `${delta > 0 ? '+' : ''}${delta} incidents with the candidate`}
        </Badge>
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Current settings compared with the candidate</caption>
          <thead className="text-xs text-zinc-500 dark:text-zinc-400">
            <tr>
              <th scope="col" className="py-1 font-normal" />
              <th scope="col" className="py-1 text-right font-normal">
                Current
              </th>
              <th scope="col" className="py-1 text-right font-normal">
                Candidate
              </th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            <tr className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1.5 font-normal">
                Incidents
              </th>
              <td className="text-right">{result.current.incidents}</td>
              <td className="text-right font-medium">{result.candidate.incidents}</td>
            </tr>
            <tr className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1.5 font-normal">
                Noise reduction
              </th>
              <td className="text-right">{nr(result.current.noiseReductionPct)}</td>
              <td className="text-right font-medium">{nr(result.candidate.noiseReductionPct)}</td>
            </tr>
            <tr className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1.5 font-normal">
                Situations and lone incidents
              </th>
              <td className="text-right">{result.current.situations}</td>
              <td className="text-right font-medium">{result.candidate.situations}</td>
            </tr>
            <tr className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1.5 font-normal">
                Noise reduction by situations
              </th>
              <td className="text-right">{nr(result.current.noiseReductionBySituationsPct)}</td>
              <td className="text-right font-medium">{nr(result.candidate.noiseReductionBySituationsPct)}</td>
            </tr>
            {DECISIONS.map(([k, label]) => (
              <tr key={k} className="border-t border-zinc-100 dark:border-zinc-800">
                <th scope="row" className="py-1.5 font-normal">
                  {label}
                </th>
                <td className="text-right">{result.current.decisions[k] ?? 0}</td>
                <td className="text-right">{result.candidate.decisions[k] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid gap-4 sm:grid-cols-2 [&>*]:min-w-0">
        <Groups title="Largest groups now" groups={result.current.largestGroups} />
        <Groups title="Largest groups with the candidate" groups={result.candidate.largestGroups} />
      </div>
    </div>
  );
}

function Groups({ title, groups }: { title: string; groups: Backtest['current']['largestGroups'] }) {
  return (
    <div>
      <h3 className="mb-1 text-sm font-medium">{title}</h3>
      {groups.length === 0 ? (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">No incidents.</p>
      ) : (
        <ol className="space-y-1 text-xs">
          {groups.slice(0, 8).map((g) => (
            <li key={`${g.key}-${g.firstSeenAt}`} className="flex items-start justify-between gap-2">
              <span className="min-w-0 break-all font-mono" title={g.title}>
                {g.key}
              </span>
              <span className="shrink-0 tabular-nums">{g.alertCount} alerts</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
