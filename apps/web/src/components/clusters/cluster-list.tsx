'use client';

// The company's clusters as their operators last reported them.
import { useQuery } from '@tanstack/react-query';
import { Badge, EmptyState, ErrorNote, Skeleton } from '~/components/ui';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

/** An operator heartbeats every 30 s; three missed beats = stale. */
const STALE_MS = 120_000;

export function ClusterList({ companyId }: { companyId: string }) {
  const trpc = useTRPC();
  const sites = useQuery({ ...trpc.sites.list.queryOptions({ companyId }), refetchInterval: 30_000 });
  if (sites.isPending) return <Skeleton className="h-24" />;
  if (sites.isError) return <ErrorNote>{errorText(sites.error)}</ErrorNote>;
  if (!sites.data.length)
    return <EmptyState title="No cluster yet">Install the operator in a cluster to see it here.</EmptyState>;
  return (
    <table className="w-full text-left text-sm">
      <thead className="text-zinc-500 dark:text-zinc-400">
        <tr>
          <th className="py-1 pr-3 font-normal">Cluster</th>
          <th className="py-1 pr-3 font-normal">Last seen</th>
          <th className="py-1 pr-3 font-normal">Queue</th>
          <th className="py-1 pr-3 font-normal">Forwarded</th>
          <th className="py-1 pr-3 font-normal">Operator</th>
          <th className="py-1 font-normal">Last error</th>
        </tr>
      </thead>
      <tbody>
        {sites.data.map((s) => {
          const seen = s.lastSeenAt ? new Date(s.lastSeenAt).getTime() : 0;
          const live = seen > 0 && Date.now() - seen < STALE_MS;
          return (
            <tr key={s.id} className="border-t border-zinc-200 dark:border-zinc-800">
              <td className="py-1.5 pr-3 font-medium">{s.name}</td>
              <td className="py-1.5 pr-3">
                <span className="mr-2">{formatDateTime(s.lastSeenAt)}</span>
                <Badge tone={live ? 'green' : 'amber'}>{live ? 'online' : 'not seen lately'}</Badge>
              </td>
              <td className="py-1.5 pr-3 tabular-nums">{s.queueDepth ?? '—'}</td>
              <td className="py-1.5 pr-3 tabular-nums">{s.alertsForwarded ?? '—'}</td>
              <td className="py-1.5 pr-3 font-mono">{s.operatorVersion ?? '—'}</td>
              <td className="py-1.5 text-zinc-600 dark:text-zinc-400">{s.lastError ?? '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
