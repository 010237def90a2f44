'use client';

// Notification KPIs (MSP staff): median time from an incident opening to its first notification
// (a digest counts for every incident in it) and to its acknowledgement, with a per-incident CSV.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { downloadText } from '~/lib/download';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';
import { formatMinutes, nf } from './kpi-format';

const minutes = (s: number | null) => (s === null ? null : s / 60);

export function NotificationKpiCard({
  input,
}: {
  input: { companyId: string | null; from: Date; to: Date };
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const kpis = useQuery({ ...trpc.notifications.kpis.queryOptions(input), placeholderData: (p) => p });
  const [csv, setCsv] = useState<string | null>(null);
  const download = async () => {
    setCsv('Preparing…');
    try {
      const out = await qc.fetchQuery(trpc.notifications.kpisCsv.queryOptions({ ...input, limit: 5000 }));
      downloadText(out.filename, out.csv, 'text/csv');
      setCsv(`Downloaded ${out.filename}`);
    } catch (e) {
      setCsv(`CSV export failed: ${errorText(e)}`);
    }
  };
  const d = kpis.data;
  return (
    <Card>
      <div className="flex items-center justify-between gap-2">
        <SectionTitle>Notifications</SectionTitle>
        <Button
          variant="ghost"
          className="px-2 py-0.5 text-xs underline"
          onClick={() => void download()}
          aria-label="Download Notifications CSV"
        >
          CSV
        </Button>
      </div>
      {kpis.isError ? <ErrorNote>Could not compute: {errorText(kpis.error)}</ErrorNote> : null}
      <dl className="grid gap-3 sm:grid-cols-2" aria-label="Notification KPIs">
        <div className="rounded-md bg-zinc-50 p-3 dark:bg-zinc-950">
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">Time to first notification (median)</dt>
          <dd className="mt-1 text-lg font-semibold tabular-nums">
            {d ? formatMinutes(minutes(d.medianSecondsToFirstNotification)) : '…'}
          </dd>
          <dd className="text-xs text-zinc-500 dark:text-zinc-400">
            {d ? `${nf.format(d.notified)} of ${nf.format(d.incidents)} incidents notified` : ' '}
          </dd>
        </div>
        <div className="rounded-md bg-zinc-50 p-3 dark:bg-zinc-950">
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">Time to acknowledge (median)</dt>
          <dd className="mt-1 text-lg font-semibold tabular-nums">
            {d ? formatMinutes(minutes(d.medianSecondsToAcknowledge)) : '…'}
          </dd>
          <dd className="text-xs text-zinc-500 dark:text-zinc-400">
            {d ? `${nf.format(d.acknowledged)} acknowledged` : ' '}
          </dd>
        </div>
      </dl>
      {csv ? (
        <p className="mt-2 text-xs" aria-live="polite">
          {csv}
        </p>
      ) : null}
    </Card>
  );
}
