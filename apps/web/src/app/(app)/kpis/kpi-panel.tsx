'use client';

import { isClientRole, type Role } from '@aw/core/domain';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import type { inferRouterOutputs } from '@trpc/server';
import { type ReactNode, useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Skeleton } from '~/components/ui';
import { CompanyPicker, useCompanyScope } from '~/components/company-scope';
import { DateRangePicker } from '~/components/date-range-picker';
import { SectionTitle } from '~/components/ui-extra';
import { downloadText } from '~/lib/download';
import { errorText } from '~/lib/error-text';
import { useMounted } from '~/lib/hooks';
import { type DateRange, formatDateTime, presetRange } from '~/lib/format';
import type { AppRouter } from '~/server/root';
import { useTRPC } from '~/trpc/react';
import { MttrChart, NoisyChart, OutcomeChart } from './charts';

type CsvKind = 'noise' | 'mttr' | 'self-healed' | 'top-assets' | 'top-signatures' | 'runbooks';

const CSV_LABELS: Record<CsvKind, string> = {
  noise: 'Noise reduction',
  mttr: 'MTTR by signature',
  'self-healed': 'Self-healed',
  'top-assets': 'Top noisy assets',
  'top-signatures': 'Top noisy signatures',
  runbooks: 'Runbooks',
};

const nf = new Intl.NumberFormat();
const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(v % 1 === 0 ? 0 : 1)} %`);

export function formatMinutes(m: number | null): string {
  if (m === null) return '—';
  if (m < 60) return `${m.toFixed(m < 10 ? 1 : 0)} min`;
  const total = Math.round(m);
  const h = Math.floor(total / 60);
  const rest = total % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}

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
    </div>
  );
}

type KpiData = inferRouterOutputs<AppRouter>['correlation']['kpis'];

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-md bg-zinc-50 p-3 dark:bg-zinc-950">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</dd> : null}
    </div>
  );
}

function KpiBody({
  data,
  csvButton,
  isClient,
}: {
  data: KpiData;
  csvButton: (k: CsvKind) => ReactNode;
  isClient: boolean;
}) {
  const n = data.noise;
  const outcomes = [
    { name: 'Incidents opened', value: n.incidents, color: '#f97316' },
    { name: 'Correlated', value: n.correlated, color: '#6366f1' },
    { name: 'Deduplicated', value: n.deduplicated, color: '#0ea5e9' },
    { name: 'Suppressed', value: n.suppressed, color: '#a855f7' },
    { name: 'Inhibited', value: n.inhibited, color: '#eab308' },
    { name: 'Resolved signals', value: n.resolvedSignals, color: '#10b981' },
    ...(n.pending ? [{ name: 'Not yet decided', value: n.pending, color: '#a1a1aa' }] : []),
    ...(n.failed ? [{ name: 'Failed (not decided)', value: n.failed, color: '#ef4444' }] : []),
  ];
  const mttr = data.mttr.slice(0, 10).map((r) => ({
    signature: r.signature,
    manual: r.manualMttrMinutes,
    automated: r.automatedMttrMinutes,
  }));
  const noisy = (rows: typeof data.topAssets) =>
    rows.map((r) => ({
      value: r.value,
      incidents: r.incidents,
      absorbed: Math.max(0, r.alerts - r.incidents),
    }));

  if (n.alerts === 0 && data.mttr.length === 0)
    return (
      <EmptyState title="No alerts in this period">
        Nothing was received for {isClient ? 'your company' : 'this scope'} in the chosen period. Pick a
        longer period, or send a test alert with the signed curl command under{' '}
        <Link href="/settings/keys" className="underline">
          API keys &amp; signing
        </Link>
        .
      </EmptyState>
    );

  return (
    <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
      <Card className="lg:col-span-2">
        <SectionTitle id="noise-title" aside={csvButton('noise')}>
          Noise reduction
        </SectionTitle>
        <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
          <div>
            <p className="text-4xl font-semibold tabular-nums" aria-describedby="noise-formula">
              {pct(n.noiseReductionPct)}
            </p>
            <p id="noise-formula" className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
              1 − incidents ÷ alerts = 1 − {nf.format(n.incidents)} ÷ {nf.format(n.decided)} decided alerts
              {n.pending ? ` (${nf.format(n.pending)} still waiting for a decision)` : ''}
              {n.failed
                ? ` (${nf.format(n.failed)} failed: correlation gave up on them, reason on each alert)`
                : ''}
              .
            </p>
            <dl className="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-3">
              <Stat label="Alerts received" value={nf.format(n.alerts)} />
              <Stat label="Incidents opened" value={nf.format(n.incidents)} />
              <Stat
                label="Correlation"
                value={pct(n.correlationPct)}
                hint={`${nf.format(n.correlated)} grouped alerts`}
              />
              <Stat label="Deduplicated" value={nf.format(n.deduplicated)} hint={pct(n.deduplicatedPct)} />
              <Stat
                label="Suppressed"
                value={nf.format(n.suppressed)}
                hint={`${pct(n.suppressedPct)} · maintenance, silences`}
              />
              <Stat label="Inhibited" value={nf.format(n.inhibited)} hint={pct(n.inhibitedPct)} />
            </dl>
          </div>
          <figure>
            <figcaption className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
              What happened to the alerts of the period
            </figcaption>
            <OutcomeChart
              data={outcomes}
              label={`Alert outcomes: ${outcomes.map((o) => `${o.name} ${o.value}`).join(', ')}`}
            />
          </figure>
        </div>
      </Card>

      <Card className="lg:col-span-2">
        <SectionTitle aside={csvButton('mttr')}>MTTR by signature: manual vs automated</SectionTitle>
        {data.mttr.length === 0 ? (
          <EmptyState title="No incident was resolved in this period">
            MTTR appears once incidents are resolved, by a technician (manual) or by the engine or a runbook
            (automated). Resolve incidents from the{' '}
            <Link href="/dashboard" className="underline">
              dashboard
            </Link>
            .
          </EmptyState>
        ) : (
          <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
            <MttrChart
              data={mttr}
              label={`Mean time to resolve per signature, manual and automated, for the ${mttr.length} signatures with the most resolved incidents`}
            />
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Mean time to resolve per signature</caption>
                <thead className="text-xs text-zinc-500 dark:text-zinc-400">
                  <tr>
                    <th scope="col" className="py-1 pr-2 font-normal">
                      Signature
                    </th>
                    <th scope="col" className="py-1 pr-2 text-right font-normal">
                      Resolved
                    </th>
                    <th scope="col" className="py-1 pr-2 text-right font-normal">
                      Manual
                    </th>
                    <th scope="col" className="py-1 pr-2 text-right font-normal">
                      Automated
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.mttr.map((r) => (
                    <tr key={r.signature} className="border-t border-zinc-100 dark:border-zinc-800">
                      <th scope="row" className="max-w-48 truncate py-1.5 pr-2 font-mono text-xs font-normal">
                        {r.signature}
                      </th>
                      <td className="py-1.5 pr-2 text-right tabular-nums">{nf.format(r.resolved)}</td>
                      <td className="py-1.5 pr-2 text-right tabular-nums">
                        {formatMinutes(r.manualMttrMinutes)}
                        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                          {r.manualCount}×
                        </span>
                      </td>
                      <td className="py-1.5 pr-2 text-right tabular-nums">
                        {formatMinutes(r.automatedMttrMinutes)}
                        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                          {r.automatedCount}× ({r.autoCount} engine, {r.runbookCount} runbook)
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </Card>

      <NoisyCard
        title="Top noisy assets"
        rows={data.topAssets}
        chart={noisy(data.topAssets)}
        csv={csvButton('top-assets')}
        what="asset"
      />
      <NoisyCard
        title="Top noisy signatures"
        rows={data.topSignatures}
        chart={noisy(data.topSignatures)}
        csv={csvButton('top-signatures')}
        what="signature"
      />

      <Card>
        <SectionTitle aside={csvButton('self-healed')}>Self-healed</SectionTitle>
        {data.selfHealed.automaticExecutions > 0 || data.selfHealed.selfHealed > 0 ? (
          <dl className="grid grid-cols-2 gap-2">
            <Stat
              label="Self-healed"
              value={pct(data.selfHealed.selfHealedPct)}
              hint={`${data.selfHealed.selfHealed} of ${data.selfHealed.resolved} resolved incidents`}
            />
            <Stat
              label="Automatic runbook runs"
              value={nf.format(data.selfHealed.automaticExecutions)}
              hint={`${data.selfHealed.automaticSucceeded} succeeded`}
            />
          </dl>
        ) : (
          <Placeholder>
            The share of resolved incidents fixed by a runbook without a technician. It fills in once runbooks
            run automatically for this scope ({data.selfHealed.resolved} incidents resolved so far in this
            period, none by a runbook).
          </Placeholder>
        )}
      </Card>
      <Card>
        <SectionTitle aside={csvButton('runbooks')}>Runbooks</SectionTitle>
        {data.runbooks.length === 0 ? (
          <Placeholder>
            Runs, success rate, median duration and time saved per runbook. It fills in when runbooks run for
            your companies (AWS Systems Manager documents through the connection under{' '}
            <Link href="/settings/aws" className="underline">
              AWS &amp; nodes
            </Link>
            ).
          </Placeholder>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" aria-label="Runbooks">
              <thead className="text-left text-xs text-zinc-500 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="py-1 pr-2 font-normal">
                    Runbook
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Runs
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Success
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Median
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Time saved
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.runbooks.map((r) => (
                  <tr key={r.runbook} className="border-t border-zinc-100 dark:border-zinc-800">
                    <th scope="row" className="py-1.5 pr-2 font-mono text-xs font-normal">
                      {r.runbook}
                    </th>
                    <td className="py-1.5 pr-2 text-right tabular-nums">
                      {nf.format(r.executions)}
                      {r.refused ? (
                        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                          {r.refused} refused
                        </span>
                      ) : null}
                    </td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{pct(r.successRatePct)}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">
                      {r.medianDurationSeconds === null ? '–' : `${r.medianDurationSeconds} s`}
                    </td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">
                      {formatMinutes(r.timeSavedMinutes)}
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                        {r.incidentsHealed} healed
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card className="lg:col-span-2">
        <SectionTitle>Patch compliance</SectionTitle>
        <Placeholder>
          Compliant and non-compliant managed nodes per company over time. It fills in when patch compliance
          is collected from the managed nodes listed under{' '}
          <Link href="/settings/aws" className="underline">
            AWS &amp; nodes
          </Link>
          .
        </Placeholder>
      </Card>
    </div>
  );
}

function Placeholder({ children }: { children: ReactNode }) {
  return (
    <div className="rounded-md border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
      <Badge>No data yet</Badge>
      <p className="mt-2">{children}</p>
    </div>
  );
}

function NoisyCard({
  title,
  rows,
  chart,
  csv,
  what,
}: {
  title: string;
  rows: KpiData['topAssets'];
  chart: { value: string; incidents: number; absorbed: number }[];
  csv: ReactNode;
  what: string;
}) {
  return (
    <Card>
      <SectionTitle aside={csv}>{title}</SectionTitle>
      {rows.length === 0 ? (
        <EmptyState title={`No ${what} sent alerts in this period`} />
      ) : (
        <>
          <NoisyChart
            data={chart}
            label={`${title}: ${rows.map((r) => `${r.value} ${r.alerts} alerts`).join(', ')}`}
          />
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{title}</caption>
              <thead className="text-xs text-zinc-500 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="py-1 pr-2 font-normal capitalize">
                    {what}
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Alerts
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Incidents
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Dedup.
                  </th>
                  <th scope="col" className="py-1 pr-2 text-right font-normal">
                    Suppr.
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.value} className="border-t border-zinc-100 dark:border-zinc-800">
                    <th scope="row" className="max-w-44 truncate py-1.5 pr-2 font-mono text-xs font-normal">
                      {r.value}
                    </th>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{nf.format(r.alerts)}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{nf.format(r.incidents)}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{nf.format(r.deduplicated)}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">
                      {nf.format(r.suppressed + r.inhibited)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}
