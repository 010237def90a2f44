'use client';

import { type IncidentStatus, isStaffRole, type Severity } from '@aw/core/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Select, Skeleton, inputClass } from '~/components/ui';
import { ago, duration, severityTone, statusTone, titleCase } from '~/lib/format';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useTRPC } from '~/trpc/react';
import { SituationPanel } from './situation-panel';
import { RunbookActions } from './runbook-actions';
import { NotificationsPanel } from './notifications-panel';

const decisionTone = {
  CORRELATED: 'indigo',
  DEDUPLICATED: 'zinc',
  SUPPRESSED: 'amber',
  INHIBITED: 'amber',
  RESOLVED_SIGNAL: 'green',
  PENDING: 'zinc',
  FAILED: 'red',
} as const;

function Reason({ reason }: { reason: unknown }) {
  if (!reason || typeof reason !== 'object') return null;
  const entries = Object.entries(reason as Record<string, unknown>).filter(
    ([, v]) => v !== null && v !== undefined,
  );
  return (
    <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="font-medium">{k}</dt>
          <dd className="break-all font-mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function IncidentDetail({ id, canAct, isStaff }: { id: string; canAct: boolean; isStaff: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const detail = useQuery(trpc.correlation.incident.queryOptions({ id }));
  const members = useQuery({ ...trpc.members.list.queryOptions(), enabled: isStaff && canAct });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.correlation.incident.queryKey({ id }) });
  useRealtime((m) => {
    if (m.type === 'reset' || (m.type === 'incident.updated' && m.payload.incidentId === id)) void refresh();
    if (m.type === 'reset' || (m.type === 'situation.changed' && situationConcerns(m.payload)))
      void qc.invalidateQueries({ queryKey: trpc.correlation.situation.queryKey({ incidentId: id }) });
  });
  // A situation event concerns this page when it names this incident or the situation shown.
  const situationConcerns = (p: { incidentId: string; situationId: string }) =>
    p.incidentId === id ||
    qc.getQueryData(trpc.correlation.situation.queryKey({ incidentId: id }))?.situation.id === p.situationId;
  const ack = useMutation(trpc.correlation.acknowledge.mutationOptions({ onSuccess: refresh }));
  const resolve = useMutation(trpc.correlation.resolve.mutationOptions({ onSuccess: refresh }));
  const assign = useMutation(trpc.correlation.assign.mutationOptions({ onSuccess: refresh }));
  const note = useMutation(trpc.correlation.note.mutationOptions({ onSuccess: refresh }));
  const [noteText, setNoteText] = useState('');
  const [resolveNote, setResolveNote] = useState('');

  if (detail.isPending) return <Skeleton className="h-64" />;
  if (detail.isError) {
    return (
      <EmptyState
        title={
          detail.error.data?.code === 'NOT_FOUND' ? 'Incident not found' : 'Could not load this incident'
        }
      >
        <Link href="/dashboard" className="underline">
          Back to incidents
        </Link>
      </EmptyState>
    );
  }
  const { incident: inc, alerts, events } = detail.data;
  const error = ack.error ?? resolve.error ?? assign.error ?? note.error;
  const staff = (members.data?.members ?? []).filter((m) => isStaffRole(m.role));
  const open = inc.status !== 'RESOLVED';

  return (
    <div className="space-y-6">
      <div>
        <Link href="/dashboard" className="text-sm text-zinc-600 hover:underline dark:text-zinc-400">
          ← Incidents
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold">{inc.title}</h1>
          <Badge tone={severityTone[inc.severity as Severity]}>{titleCase(inc.severity)}</Badge>
          <Badge tone={statusTone[inc.status as IncidentStatus]}>{titleCase(inc.status)}</Badge>
          {inc.flapping ? <Badge tone="amber">flapping</Badge> : null}
        </div>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {inc.company.name} · asset <span className="font-mono">{inc.asset}</span> · signature{' '}
          <span className="font-mono">{inc.signature}</span> · {inc.alertCount} alert
          {inc.alertCount === 1 ? '' : 's'}
        </p>
      </div>

      {error ? <ErrorNote>{error.message}</ErrorNote> : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <SituationPanel incidentId={id} />
          <Card>
            <h2 className="mb-3 font-medium">Why these alerts are one incident</h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-zinc-500 dark:text-zinc-400">Correlation key</dt>
              <dd className="font-mono">{inc.correlationKey}</dd>
              <dt className="text-zinc-500 dark:text-zinc-400">Window</dt>
              <dd>
                {titleCase(inc.windowMode)} · {new Date(inc.windowStart).toLocaleString()} →{' '}
                {new Date(inc.windowEnd).toLocaleString()}
              </dd>
              <dt className="text-zinc-500 dark:text-zinc-400">First / last seen</dt>
              <dd>
                {new Date(inc.firstSeenAt).toLocaleString()} / {ago(inc.lastSeenAt)}
              </dd>
              {inc.resolvedAt ? (
                <>
                  <dt className="text-zinc-500 dark:text-zinc-400">Resolved</dt>
                  <dd>
                    {titleCase(inc.resolution ?? 'MANUAL')} after{' '}
                    {duration(new Date(inc.resolvedAt).getTime() - new Date(inc.firstSeenAt).getTime())}
                    {inc.resolutionNote ? ` · “${inc.resolutionNote}”` : ''}
                  </dd>
                </>
              ) : null}
            </dl>
          </Card>

          <Card>
            <h2 className="mb-3 font-medium">Alerts ({alerts.length})</h2>
            <ol className="space-y-3" aria-label="Alert timeline">
              {alerts.map((a) => (
                <li key={a.id} className="border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
                  <div className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                      {new Date(a.occurredAt).toLocaleString()}
                    </span>
                    <Badge tone={a.status === 'RESOLVED' ? 'green' : 'red'}>{titleCase(a.status)}</Badge>
                    <Badge tone={decisionTone[a.decision as keyof typeof decisionTone] ?? 'zinc'}>
                      {titleCase(a.decision)}
                    </Badge>
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">{titleCase(a.source)}</span>
                  </div>
                  {a.summary ? <p className="mt-1 text-sm">{a.summary}</p> : null}
                  <Reason reason={a.decisionReason} />
                </li>
              ))}
            </ol>
            {detail.data.alertsNextCursor ? (
              <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
                Showing the first {alerts.length} alerts.
              </p>
            ) : null}
          </Card>
        </div>

        <div className="space-y-6">
          {canAct ? (
            <Card>
              <h2 className="mb-3 font-medium">Actions</h2>
              <div className="space-y-3">
                {inc.status === 'OPEN' ? (
                  <Button
                    className="w-full"
                    onClick={() => ack.mutate({ ids: [id] })}
                    disabled={ack.isPending}
                  >
                    Acknowledge
                  </Button>
                ) : null}
                {isStaff && open ? (
                  <Select
                    id="assignee"
                    label="Assignee"
                    value={inc.assigneeId ?? ''}
                    onChange={(e) => assign.mutate({ ids: [id], assigneeId: e.target.value || null })}
                  >
                    <option value="">Unassigned</option>
                    {staff.map((m) => (
                      <option key={m.userId} value={m.userId}>
                        {m.name} ({m.email})
                      </option>
                    ))}
                  </Select>
                ) : null}
                {open ? (
                  <form
                    className="space-y-2"
                    onSubmit={(e) => {
                      e.preventDefault();
                      resolve.mutate({ ids: [id], note: resolveNote || undefined });
                    }}
                  >
                    <label htmlFor="resolve-note" className="block text-sm font-medium">
                      Resolution note
                    </label>
                    <textarea
                      id="resolve-note"
                      rows={2}
                      value={resolveNote}
                      onChange={(e) => setResolveNote(e.target.value)}
                      className={inputClass}
                      placeholder="What fixed it?"
                    />
                    <Button type="submit" variant="secondary" className="w-full" disabled={resolve.isPending}>
                      Resolve
                    </Button>
                  </form>
                ) : null}
              </div>
            </Card>
          ) : null}

          <RunbookActions incidentId={id} canRun={isStaff} />
          {isStaff ? <NotificationsPanel incidentId={id} /> : null}

          <Card>
            <h2 className="mb-3 font-medium">Timeline</h2>
            <ol className="space-y-2 text-sm" aria-label="Incident timeline">
              {events.map((e) => (
                <li key={e.id}>
                  <span className="text-zinc-500 dark:text-zinc-400">{ago(e.createdAt)}</span> ·{' '}
                  {e.message || e.type}
                </li>
              ))}
            </ol>
            {canAct ? (
              <form
                className="mt-3 space-y-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (noteText.trim())
                    note.mutate({ id, note: noteText.trim() }, { onSuccess: () => setNoteText('') });
                }}
              >
                <label htmlFor="note" className="block text-sm font-medium">
                  Add a note
                </label>
                <textarea
                  id="note"
                  rows={2}
                  value={noteText}
                  onChange={(e) => setNoteText(e.target.value)}
                  className={inputClass}
                />
                <Button type="submit" variant="secondary" disabled={note.isPending || !noteText.trim()}>
                  Add note
                </Button>
              </form>
            ) : null}
          </Card>
        </div>
      </div>
    </div>
  );
}
