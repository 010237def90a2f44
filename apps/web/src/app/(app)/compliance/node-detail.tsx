'use client';

import { useQuery } from '@tanstack/react-query';
import { Button, Card, ErrorNote, Skeleton } from '~/components/ui';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { CsvButton } from './csv-button';

/** One node: open patches by severity, last operation, baseline and patch group. */
export function NodeDetail({
  companyId,
  instanceId,
  onClose,
}: {
  companyId: string;
  instanceId: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const q = useQuery(trpc.compliance.node.queryOptions({ companyId, instanceId }));
  return (
    <Card>
      <div className="mb-2 flex items-center justify-between">
        <h2 className="font-semibold">Node {q.data?.node.name ?? instanceId}</h2>
        <span className="flex gap-2">
          <CsvButton input={{ kind: 'patches', companyId, instanceId }} label="node patches" />
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
        </span>
      </div>
      {q.isPending ? <Skeleton className="h-32" /> : null}
      {q.isError ? <ErrorNote>{q.error.message}</ErrorNote> : null}
      {q.data ? (
        <div className="space-y-3 text-sm" data-testid="node-detail">
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
            <dt className="text-zinc-500">Instance</dt>
            <dd>{q.data.node.instanceId}</dd>
            <dt className="text-zinc-500">Last operation</dt>
            <dd>
              {q.data.node.operation ?? 'none'} {formatDateTime(q.data.node.operationEndedAt)}
            </dd>
            <dt className="text-zinc-500">Baseline</dt>
            <dd>
              {q.data.node.baselineName ?? '—'} ({q.data.node.baselineId ?? '—'})
            </dd>
            <dt className="text-zinc-500">Patch group</dt>
            <dd>{q.data.node.patchGroup ?? '—'}</dd>
          </dl>
          {q.data.bySeverity.length ? (
            q.data.bySeverity.map((g) => (
              <div key={g.severity}>
                <h3 className="font-medium">
                  {g.severity} ({g.patches.length})
                </h3>
                <ul className="ml-4 list-disc">
                  {g.patches.map((p) => (
                    <li key={`${p.kbId}-${p.state}`}>
                      {p.kbId} — {p.title} · {p.state?.toLowerCase().replace(/_/g, ' ')}
                      {p.classification ? ` · ${p.classification}` : ''}
                    </li>
                  ))}
                </ul>
              </div>
            ))
          ) : (
            <p>No missing, failed or pending-reboot patches.</p>
          )}
        </div>
      ) : null}
    </Card>
  );
}
