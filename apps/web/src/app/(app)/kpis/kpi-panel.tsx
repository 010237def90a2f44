'use client';

// The KPI page: company and period pickers, then the figures (kpi-body.tsx) for the chosen scope.
import { isClientRole, type Role } from '@aw/core/domain';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, Skeleton } from '~/components/ui';
import { CompanyPicker, useCompanyScope } from '~/components/company-scope';
import { DateRangePicker } from '~/components/date-range-picker';
import { downloadText } from '~/lib/download';
import { errorText } from '~/lib/error-text';
import { useMounted } from '~/lib/hooks';
import { type DateRange, formatDateTime, presetRange } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { KpiBody } from './kpi-body';
import { CSV_LABELS, type CsvKind } from './kpi-format';
import { NotificationKpiCard } from './notification-kpi-card';

export function KpiPanel({
  role,
  myCompanyId,
  now,
}: {
  role: Role;
  myCompanyId: string | null;
  now: number;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const mounted = useMounted();
  const isClient = isClientRole(role);
  const scope = useCompanyScope({ myCompanyId, allowAll: true });
  const [range, setRange] = useState<DateRange>(() => presetRange('7d', now));
  const input = { companyId: scope.selectedId, from: range.from, to: range.to };
  const kpis = useQuery({
    ...trpc.correlation.kpis.queryOptions(input),
    enabled: scope.companies.isSuccess,
    placeholderData: (prev) => prev,
  });
  const [csvState, setCsvState] = useState<{
    kind: CsvKind;
    status: 'working' | 'done' | 'error';
    msg?: string;
  }>();

  const download = async (kind: CsvKind) => {
    setCsvState({ kind, status: 'working' });
    try {
      const out = await qc.fetchQuery(trpc.correlation.kpiCsv.queryOptions({ ...input, kind, limit: 1000 }));
      downloadText(out.filename, out.csv, 'text/csv');
      setCsvState({ kind, status: 'done', msg: out.filename });
    } catch (e) {
      setCsvState({ kind, status: 'error', msg: errorText(e) });
    }
  };

  const csvButton = (kind: CsvKind) => (
    <Button
      variant="secondary"
      onClick={() => void download(kind)}
      disabled={csvState?.status === 'working' || !kpis.data}
      aria-label={`Download ${CSV_LABELS[kind]} CSV`}
    >
      CSV
    </Button>
  );

  const scopeName = scope.selected?.name ?? (isClient ? 'your company' : 'all companies');

  return (
    <div className="space-y-6">
      <Card>
        <div className="flex flex-col gap-4 lg:flex-row lg:items-end lg:justify-between">
          <CompanyPicker scope={scope} isClient={isClient} allowAll id="kpi-company" />
          <DateRangePicker value={range} onChange={setRange} idPrefix="kpi-range" />
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
          <span>
            {mounted ? `${formatDateTime(range.from)} – ${formatDateTime(range.to)}` : ' '} · {scopeName}
          </span>
          <Button
            variant="ghost"
            className="px-2 py-0.5 text-xs"
            disabled={kpis.isFetching}
            onClick={() => {
              if (range.preset === 'custom') void kpis.refetch();
              else setRange(presetRange(range.preset));
            }}
          >
            {kpis.isFetching ? 'Refreshing…' : 'Refresh'}
          </Button>
          {mounted && kpis.dataUpdatedAt ? (
            <span aria-live="polite">updated {new Date(kpis.dataUpdatedAt).toLocaleTimeString()}</span>
          ) : null}
          <span className="ml-auto flex flex-wrap items-center gap-1" role="group" aria-label="Export CSV">
            <span className="mr-1">Export CSV:</span>
            {(Object.keys(CSV_LABELS) as CsvKind[]).map((k) => (
              <Button
                key={k}
                variant="ghost"
                className="px-2 py-0.5 text-xs underline"
                onClick={() => void download(k)}
                disabled={csvState?.status === 'working' || !kpis.data}
              >
                {CSV_LABELS[k]}
              </Button>
            ))}
          </span>
        </div>
        <div aria-live="polite" className="mt-1 text-xs">
          {csvState?.status === 'working' ? <span>Preparing {CSV_LABELS[csvState.kind]} CSV…</span> : null}
          {csvState?.status === 'done' ? (
            <span className="text-green-800 dark:text-green-300">Downloaded {csvState.msg}</span>
          ) : null}
          {csvState?.status === 'error' ? (
            <span className="text-red-700 dark:text-red-300">CSV export failed: {csvState.msg}</span>
          ) : null}
        </div>
      </Card>

      {kpis.isError ? (
        <ErrorNote>
          Could not compute the KPIs: {errorText(kpis.error)}.{' '}
          <button type="button" className="underline" onClick={() => void kpis.refetch()}>
            Try again
          </button>{' '}
          or pick another period.
        </ErrorNote>
      ) : !kpis.data ? (
        <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0" aria-busy="true" aria-label="Loading KPIs">
          <Skeleton className="h-64" />
          <Skeleton className="h-64" />
          <Skeleton className="h-64" />
          <Skeleton className="h-64" />
        </div>
      ) : (
        <div
          className={kpis.isFetching ? 'opacity-70 transition-opacity' : 'transition-opacity'}
          aria-busy={kpis.isFetching}
        >
          <KpiBody data={kpis.data} csvButton={csvButton} isClient={isClient} />
        </div>
      )}
      {isClient ? null : <NotificationKpiCard input={input} />}
    </div>
  );
}
