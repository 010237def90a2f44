'use client';

import { Card } from '~/components/ui';

export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v}%`);

export interface Figures {
  nodes: number;
  scanned: number;
  compliant: number;
  nonCompliant: number;
  compliancePercent: number | null;
  criticalMissing: number;
  securityMissing: number;
  nodesWithCriticalMissing: number;
  pendingReboot: number;
  stale: number;
  noScan: number;
}

/** The figures of docs/KPI_TRACKING.md as cards. */
export function FigureCards({ f, staleAfterDays }: { f: Figures; staleAfterDays: number }) {
  const cards: [string, string, string][] = [
    ['Compliance', pct(f.compliancePercent), `${f.compliant} of ${f.scanned} scanned nodes`],
    ['Non-compliant nodes', String(f.nonCompliant), `${f.nodes} managed nodes in all`],
    ['Critical patches missing', String(f.criticalMissing), `on ${f.nodesWithCriticalMissing} nodes`],
    ['Security patches missing', String(f.securityMissing), 'other than critical'],
    ['Pending reboot', String(f.pendingReboot), 'nodes with installed patches waiting'],
    [
      'Stale or no scan',
      String(f.stale + f.noScan),
      `${f.stale} older than ${staleAfterDays} days, ${f.noScan} never`,
    ],
  ];
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {cards.map(([title, value, hint]) => (
        <Card key={title}>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{title}</p>
          <p
            className="text-2xl font-semibold"
            data-testid={`figure-${title.toLowerCase().replace(/\W+/g, '-')}`}
          >
            {value}
          </p>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</p>
        </Card>
      ))}
    </div>
  );
}
