'use client';

import Link from 'next/link';
import type { inferRouterOutputs } from '@trpc/server';
import type { ReactNode } from 'react';
import { Card, EmptyState } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import type { AppRouter } from '~/server/root';
import { MttrChart, OutcomeChart } from './charts';
import { type CsvKind, formatMinutes, nf, pct } from './kpi-format';
import { NoisyCard, Placeholder } from './noisy-card';

export type KpiData = inferRouterOutputs<AppRouter>['correlation']['kpis'];

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-md bg-zinc-50 p-3 dark:bg-zinc-950">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</dd> : null}
    </div>
  );
}

export function KpiBody({
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
                label="By situations"
                value={pct(n.noiseReductionBySituationsPct)}
                hint={`1 − ${nf.format(n.situations)} situations and lone incidents ÷ alerts`}
              />
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
