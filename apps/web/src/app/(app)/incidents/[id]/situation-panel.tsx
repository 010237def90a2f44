'use client';

// The incident page's situation: the related incidents and why each one is linked (every edge's
// sentence), and the values of this incident the hub guardrail keeps out of linking.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge, Card } from '~/components/ui';
import type { IncidentStatus, Severity } from '@aw/core/domain';
import { severityTone, statusTone, titleCase } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

export function SituationPanel({ incidentId }: { incidentId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.correlation.situation.queryOptions({ incidentId }));
  const hubs = useQuery(trpc.correlation.incidentHubs.queryOptions({ incidentId }));
  const hubNote = hubs.data?.hubs.length ? (
    <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400" data-testid="situation-hubs">
      Not used to link this incident (hubs, on more than {hubs.data.hubSharePct}% of the{' '}
      {hubs.data.recentIncidents} recent incidents):{' '}
      {hubs.data.hubs.map((h, i) => (
        <span key={h.key}>
          {i ? ', ' : ''}
          <code>{h.key}</code> ({h.sharePct}%)
        </span>
      ))}
      .
    </p>
  ) : null;
  if (!q.data) return hubNote ? <Card>{hubNote}</Card> : null;
  const { situation, incidents, links } = q.data;
  const why = new Map<string, string[]>();
  for (const l of links) why.set(l.incidentId, [...(why.get(l.incidentId) ?? []), l.explanation]);
  return (
    <Card>
      <h2 className="text-base font-semibold" data-testid="situation-title">
        Situation: {situation.title}{' '}
        <Badge tone={statusTone[situation.status as IncidentStatus]}>{titleCase(situation.status)}</Badge>
      </h2>
      <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        Open incidents of this company that share an entity (asset, address, user, topology) within the
        situation window are linked here. Each line says why.
      </p>
      <ul className="mt-3 space-y-2 text-sm">
        {incidents.map((i) => (
          <li key={i.id} className="flex flex-wrap items-baseline gap-2">
            <Badge tone={severityTone[i.severity as Severity]}>{titleCase(i.severity)}</Badge>
            {i.id === incidentId ? (
              <span className="font-medium">{i.title} (this incident)</span>
            ) : (
              <Link href={`/incidents/${i.id}`} className="font-medium hover:underline">
                {i.title}
              </Link>
            )}
            {i.stale ? <Badge tone="zinc">stale</Badge> : null}
            {(why.get(i.id) ?? []).map((w, n) => (
              <span key={n} className="basis-full pl-2 text-xs text-zinc-500 dark:text-zinc-400">
                {w}
              </span>
            ))}
          </li>
        ))}
      </ul>
      {hubNote}
    </Card>
  );
}
