'use client';

// All companies of the MSP, ranked by compliance (worst first), with each company's trend line.
import { useQuery } from '@tanstack/react-query';
import { Card, EmptyState, ErrorNote, Skeleton } from '~/components/ui';
import { useTRPC } from '~/trpc/react';
import { TrendChart } from './compliance-charts';
import { CsvButton } from './csv-button';
import { pct } from './figure-cards';

export function MspView({ onPick }: { onPick: (companyId: string) => void }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.compliance.msp.queryOptions());
  if (q.isPending) return <Skeleton className="h-64" />;
  if (q.isError) return <ErrorNote>Could not load the MSP compliance: {q.error.message}</ErrorNote>;
  const { ranking, totals, trend } = q.data;
  if (!totals.companies)
    return (
      <EmptyState title="No compliance data yet">
        Companies appear here after their first patch compliance sync (every 6 hours, or Sync now on a
        company).
      </EmptyState>
    );
  return (
    <div className="space-y-6">
      <Card>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Across {totals.companies} companies</p>
        <p className="text-3xl font-semibold" data-testid="msp-compliance">
          {pct(totals.compliancePercent)}
        </p>
        <p className="text-sm">
          {totals.compliant} of {totals.scanned} scanned nodes compliant · {totals.criticalMissing} critical
          patches missing · {totals.pendingReboot} nodes pending reboot
        </p>
      </Card>
      <Card>
        <div className="mb-2 flex items-center justify-between">
          <h2 className="font-semibold">30-day trend</h2>
          <CsvButton input={{ kind: 'msp-trend' }} label="MSP trend" />
        </div>
        <TrendChart
          label="Compliance per company over 30 days"
          series={[
            { name: 'All companies', points: trend },
            ...ranking.filter((r) => r.figures).map((r) => ({ name: r.name, points: r.trend })),
          ]}
        />
      </Card>
      <Card>
        <div className="mb-2 flex items-center justify-between">
          <h2 className="font-semibold">Companies, least compliant first</h2>
          <CsvButton input={{ kind: 'ranking' }} label="company ranking" />
        </div>
        <table className="w-full text-left text-sm" aria-label="Company ranking">
          <thead>
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className="py-1">#</th>
              <th>Company</th>
              <th>Compliance</th>
              <th>Compliant / scanned</th>
              <th>Critical missing</th>
              <th>Pending reboot</th>
            </tr>
          </thead>
          <tbody>
            {ranking.map((r, i) => (
              <tr key={r.companyId} className="border-b border-zinc-100 dark:border-zinc-800">
                <td className="py-1">{i + 1}</td>
                <td>
                  <button type="button" className="underline" onClick={() => onPick(r.companyId)}>
                    {r.name}
                  </button>
                </td>
                <td>{r.figures ? pct(r.figures.compliancePercent) : 'no sync yet'}</td>
                <td>{r.figures ? `${r.figures.compliant} / ${r.figures.scanned}` : '—'}</td>
                <td>{r.figures?.criticalMissing ?? '—'}</td>
                <td>{r.figures?.pendingReboot ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
