'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, EmptyState, ErrorNote, Skeleton } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { LiveNote, SectionTitle } from '~/components/ui-extra';
import { ColumnHeads, LoadError } from '~/components/load-state';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

export function Nodes({
  company,
  canManage,
  connected,
}: {
  company: ScopedCompany;
  canManage: boolean;
  connected: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.aws.nodes.list.queryOptions({ companyId: company.id }));
  const sync = useMutation(
    trpc.aws.nodes.sync.mutationOptions({
      onSuccess: () =>
        qc.invalidateQueries({ queryKey: trpc.aws.nodes.list.queryKey({ companyId: company.id }) }),
    }),
  );
  const syncedAt = list.data?.[0]?.syncedAt;
  return (
    <Card>
      <SectionTitle
        aside={
          canManage && connected ? (
            <Button
              variant="secondary"
              onClick={() => sync.mutate({ companyId: company.id })}
              disabled={sync.isPending}
            >
              {sync.isPending ? 'Syncing…' : 'Sync nodes'}
            </Button>
          ) : null
        }
      >
        Managed nodes
      </SectionTitle>
      <div aria-live="polite" className="mb-2">
        {sync.isSuccess ? (
          <LiveNote>
            Synced {sync.data.count} nodes at {formatDateTime(sync.data.syncedAt)}.
          </LiveNote>
        ) : null}
        {sync.isError ? <ErrorNote>Sync failed: {errorText(sync.error)}</ErrorNote> : null}
      </div>
      {list.isPending ? (
        <Skeleton className="h-24" />
      ) : list.isError ? (
        <LoadError what="nodes" error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No managed nodes yet">
          {connected
            ? 'Install the agent with a hybrid activation, or give EC2 instances the SSM instance profile, then sync.'
            : 'Connect AWS first; EC2 instances and registered servers then appear here after a sync.'}
        </EmptyState>
      ) : (
        <>
          <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">
            Last synced {formatDateTime(syncedAt)}
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Managed nodes</caption>
              <ColumnHeads names={['Node', 'Ping', 'Platform', 'Agent', 'Last ping']} />
              <tbody>
                {list.data.map((n) => (
                  <tr key={n.id} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-2 pr-2">
                      <div>{n.name ?? '—'}</div>
                      <div className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
                        {n.instanceId} {n.isHybrid ? '· on-prem' : '· EC2'}
                        {n.ipAddress ? ` · ${n.ipAddress}` : ''}
                      </div>
                    </td>
                    <td className="py-2 pr-2">
                      <Badge
                        tone={
                          n.pingStatus === 'Online'
                            ? 'green'
                            : n.pingStatus === 'ConnectionLost'
                              ? 'red'
                              : 'zinc'
                        }
                      >
                        {n.pingStatus}
                      </Badge>
                    </td>
                    <td className="py-2 pr-2">{n.platformName ?? n.platformType ?? '—'}</td>
                    <td className="py-2 pr-2 font-mono text-xs">{n.agentVersion ?? '—'}</td>
                    <td className="py-2 pr-2">{formatDateTime(n.lastPingAt)}</td>
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
