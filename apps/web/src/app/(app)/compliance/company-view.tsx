'use client';

// One company: figures, trend, worst nodes, every node (click for the drill-down), sync now with
// live progress, and the threshold settings for those allowed to change them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Skeleton } from '~/components/ui';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useTRPC } from '~/trpc/react';
import { TrendChart } from './compliance-charts';
import { CsvButton } from './csv-button';
import { FigureCards } from './figure-cards';
import { NodeDetail } from './node-detail';
import { SettingsForm } from './settings-form';

interface Progress {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  nodesDone: number;
  nodesTotal: number;
  error?: string;
}

export function CompanyView({
  companyId,
  canSync,
  canConfigure,
}: {
  companyId: string;
  canSync: boolean;
  canConfigure: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.compliance.company.queryOptions({ companyId }));
  const [progress, setProgress] = useState<Progress | null>(null);
  const [node, setNode] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.compliance.company.queryKey({ companyId }) });
  useRealtime(
    (m) => {
      if (m.type === 'reset') return void refresh();
      if (m.type === 'compliance.sync.progress' && m.companyId === companyId) {
        setProgress(m.payload);
        if (m.payload.status !== 'RUNNING') void refresh();
      }
    },
    { companyId },
  );
  const sync = useMutation(
    trpc.compliance.sync.mutationOptions({
      onSuccess: () => setProgress((p) => p ?? { status: 'RUNNING', nodesDone: 0, nodesTotal: 0 }),
    }),
  );
  if (q.isPending) return <Skeleton className="h-64" />;
  if (q.isError) return <ErrorNote>Could not load compliance: {q.error.message}</ErrorNote>;
  const v = q.data;
  const running = progress?.status === 'RUNNING';
  return (
    <div className="space-y-6">
      <Card>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span>
            {v.asOf ? `As of ${formatDateTime(v.asOf)}` : 'No successful sync yet'} · every{' '}
            {v.settings.syncIntervalHours} h
          </span>
          {v.lastSync?.status === 'FAILED' ? (
            <Badge tone="red">Last sync failed: {v.lastSync.error}</Badge>
          ) : null}
          {canSync ? (
            <Button onClick={() => sync.mutate({ companyId })} disabled={sync.isPending || running}>
              Sync now
            </Button>
          ) : null}
          <span role="status" aria-live="polite" data-testid="sync-progress">
            {progress
              ? progress.status === 'RUNNING'
                ? `Syncing… ${progress.nodesDone} of ${progress.nodesTotal || '?'} nodes`
                : progress.status === 'SUCCEEDED'
                  ? `Sync finished: ${progress.nodesTotal} nodes`
                  : `Sync failed: ${progress.error ?? ''}`
              : ''}
          </span>
          {sync.isError ? <span className="text-red-700">{errorText(sync.error)}</span> : null}
        </div>
      </Card>
      {!v.figures ? (
        <EmptyState title="No compliance data yet">
          The first sync runs within 6 hours of connecting AWS{canSync ? ', or press Sync now' : ''}.
        </EmptyState>
      ) : (
        <>
          <FigureCards f={v.figures} staleAfterDays={v.settings.staleAfterDays} />
          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <div className="mb-2 flex items-center justify-between">
                <h2 className="font-semibold">30-day trend</h2>
                <CsvButton input={{ kind: 'trend', companyId }} label="trend" />
              </div>
              <TrendChart
                label="Compliance over 30 days"
                series={[{ name: 'Compliance', points: v.trend }]}
              />
            </Card>
            <Card>
              <div className="mb-2 flex items-center justify-between">
                <h2 className="font-semibold">Worst nodes</h2>
                <CsvButton input={{ kind: 'worst', companyId }} label="worst nodes" />
              </div>
              <ol className="space-y-1 text-sm" aria-label="Worst nodes">
                {v.worstNodes.map((n) => (
                  <li key={n.instanceId}>
                    <button type="button" className="underline" onClick={() => setNode(n.instanceId)}>
                      {n.name ?? n.instanceId}
                    </button>{' '}
                    — {n.criticalMissing} critical, {n.securityMissing} security, {n.openPatches} open
                  </li>
                ))}
                {!v.worstNodes.length ? <li>Every scanned node is compliant.</li> : null}
              </ol>
            </Card>
          </div>
          {node ? <NodeDetail companyId={companyId} instanceId={node} onClose={() => setNode(null)} /> : null}
          <Card>
            <div className="mb-2 flex items-center justify-between">
              <h2 className="font-semibold">Nodes</h2>
              <CsvButton input={{ kind: 'nodes', companyId }} label="nodes" />
            </div>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Nodes">
                <thead>
                  <tr className="border-b border-zinc-200 dark:border-zinc-800">
                    <th className="py-1">Node</th>
                    <th>State</th>
                    <th>Critical</th>
                    <th>Security</th>
                    <th>Missing</th>
                    <th>Failed</th>
                    <th>Pending reboot</th>
                    <th>Last operation</th>
                  </tr>
                </thead>
                <tbody>
                  {v.nodes.map((n) => (
                    <tr key={n.instanceId} className="border-b border-zinc-100 dark:border-zinc-800">
                      <td className="py-1">
                        <button type="button" className="underline" onClick={() => setNode(n.instanceId)}>
                          {n.name ?? n.instanceId}
                        </button>
                      </td>
                      <td>
                        {!n.scanned ? (
                          <Badge tone="amber">Never scanned</Badge>
                        ) : n.compliant ? (
                          <Badge tone="green">Compliant</Badge>
                        ) : (
                          <Badge tone="red">Non-compliant</Badge>
                        )}{' '}
                        {n.stale ? <Badge tone="amber">Stale</Badge> : null}
                      </td>
                      <td>{n.criticalMissing}</td>
                      <td>{n.securityMissing}</td>
                      <td>{n.missingCount}</td>
                      <td>{n.failedCount}</td>
                      <td>{n.pendingRebootCount}</td>
                      <td>{n.operation ? `${n.operation}, ${formatDateTime(n.operationEndedAt)}` : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </>
      )}
      {canConfigure ? <SettingsForm companyId={companyId} settings={v.settings} onSaved={refresh} /> : null}
    </div>
  );
}
