'use client';

import type { ReactNode } from 'react';
import { Badge, Card, EmptyState } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { NoisyChart } from './charts';
import type { KpiData } from './kpi-body';
import { nf } from './kpi-format';

export function Placeholder({ children }: { children: ReactNode }) {
  return (
    <div className="rounded-md border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
      <Badge>No data yet</Badge>
      <p className="mt-2">{children}</p>
    </div>
  );
}

export function NoisyCard({
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
