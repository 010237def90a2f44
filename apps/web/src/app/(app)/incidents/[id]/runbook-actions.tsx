'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Badge, Button, Card, ErrorNote, Select, inputClass } from '~/components/ui';
import { ago } from '~/lib/format';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useTRPC } from '~/trpc/react';

const statusTone = {
  PENDING_APPROVAL: 'amber',
  PENDING: 'zinc',
  IN_PROGRESS: 'indigo',
  VERIFYING: 'indigo',
  SUCCESS: 'green',
  FAILED: 'red',
  TIMED_OUT: 'red',
  REFUSED: 'orange',
  CANCELLED: 'zinc',
} as const;

const statusLabel: Record<string, string> = {
  PENDING_APPROVAL: 'Awaiting approval',
  PENDING: 'Queued',
  IN_PROGRESS: 'Running',
  VERIFYING: 'Verifying',
  SUCCESS: 'Healed',
  FAILED: 'Failed',
  TIMED_OUT: 'Timed out',
  REFUSED: 'Refused',
  CANCELLED: 'Cancelled',
};

/** The incident's runbook panel: executions live, approval, and ad hoc runs (MSP staff only). */
export function RunbookActions({ incidentId, canRun }: { incidentId: string; canRun: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const panel = useQuery(trpc.runbooks.incident.queryOptions({ incidentId }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.runbooks.incident.queryKey({ incidentId }) });
  useRealtime((m) => {
    if (
      m.type === 'reset' ||
      (m.type === 'runbook.execution.updated' && m.payload.incidentId === incidentId) ||
      (m.type === 'incident.updated' && m.payload.incidentId === incidentId)
    )
      void refresh();
  });
  const approve = useMutation(trpc.runbooks.executions.approve.mutationOptions({ onSuccess: refresh }));
  const run = useMutation(trpc.runbooks.executions.run.mutationOptions({ onSuccess: refresh }));
  const [runbookId, setRunbookId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const chosen = panel.data?.runbooks.find((r) => r.id === runbookId) ?? panel.data?.runbooks[0];
  // Prefill when the chosen runbook changes, not on every live refetch (that would drop edits).
  const chosenId = chosen?.id;
  useEffect(() => {
    if (chosen) setValues(Object.fromEntries(chosen.parameters.map((p) => [p.name, p.value])));
  }, [chosenId]);

  if (panel.isPending) return <Card>Loading runbooks…</Card>;
  if (panel.isError) return <Card>Could not load runbooks: {panel.error.message}</Card>;
  const { executions, runbooks, paused, incident } = panel.data;

  return (
    <Card>
      <h2 className="mb-2 font-medium">Runbook actions</h2>
      {incident.escalationReason ? (
        <p
          className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
          role="status"
        >
          Needs a technician: {incident.escalationReason}
        </p>
      ) : null}
      {paused ? (
        <p className="mb-2 text-sm text-amber-700 dark:text-amber-300">Runbooks are paused (kill switch).</p>
      ) : null}
      {executions.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No runbook has run for this incident.</p>
      ) : (
        <ul className="space-y-3" aria-label="Runbook executions">
          {executions.map((e) => (
            <li
              key={e.id}
              className="rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-800"
              data-execution={e.id}
            >
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{e.runbook.name}</span>
                <Badge tone={statusTone[e.status]}>
                  <span data-testid="execution-status">{statusLabel[e.status] ?? e.status}</span>
                </Badge>
                <span className="text-xs text-zinc-500">
                  {e.automatic ? 'by policy' : 'by a technician'} · {ago(e.createdAt)}
                </span>
              </div>
              {e.instanceId ? (
                <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                  Target <span className="font-mono">{e.instanceId}</span> ({e.targetSource})
                </p>
              ) : null}
              <p className="mt-1 break-all font-mono text-xs text-zinc-600 dark:text-zinc-400">
                {Object.entries(e.parameters as Record<string, string>)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}
              </p>
              {e.status === 'VERIFYING' && e.verifyUntil ? (
                <p className="mt-1 text-xs">
                  Verifying until {new Date(e.verifyUntil).toLocaleTimeString()}: no new firing alert may
                  arrive.
                </p>
              ) : null}
              {e.error ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{e.error}</p> : null}
              {e.output ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs">Output</summary>
                  <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">
                    {e.output}
                  </pre>
                  {e.outputUrl ? (
                    <a className="text-xs underline" href={e.outputUrl}>
                      Full output
                    </a>
                  ) : null}
                </details>
              ) : null}
              {e.status === 'PENDING_APPROVAL' && canRun ? (
                <Button
                  className="mt-2"
                  disabled={approve.isPending}
                  onClick={() => approve.mutate({ executionId: e.id })}
                >
                  Approve and run
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {approve.error ? <ErrorNote>{approve.error.message}</ErrorNote> : null}
      {canRun && chosen ? (
        <form
          className="mt-4 space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800"
          aria-label="Run a runbook"
          onSubmit={(ev) => {
            ev.preventDefault();
            run.mutate({ incidentId, runbookId: chosen.id, parameters: values });
          }}
        >
          <Select
            label="Run a runbook"
            id="runbook"
            value={chosen.id}
            onChange={(ev) => setRunbookId(ev.target.value)}
          >
            {runbooks.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
                {r.suggested ? ' (suggested)' : ''}
              </option>
            ))}
          </Select>
          {chosen.parameters.map((p) => (
            <div key={p.name}>
              <label htmlFor={`param-${p.name}`} className="block text-xs font-medium">
                {p.name}
              </label>
              <input
                id={`param-${p.name}`}
                className={inputClass}
                value={values[p.name] ?? ''}
                title={p.description}
                onChange={(ev) => setValues({ ...values, [p.name]: ev.target.value })}
              />
            </div>
          ))}
          <Button type="submit" variant="secondary" disabled={run.isPending}>
            Run on {incident.asset}
          </Button>
          {run.error ? <ErrorNote>{run.error.message}</ErrorNote> : null}
        </form>
      ) : !canRun ? (
        <p className="mt-3 text-xs text-zinc-500">
          Read-only: your MSP&apos;s technicians approve and run runbooks.
        </p>
      ) : null}
    </Card>
  );
}
