'use client';

// The incident page's situation: the related incidents and why each one is linked.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge, Card } from '~/components/ui';
import type { IncidentStatus, Severity } from '@aw/core/domain';
import { severityTone, statusTone, titleCase } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

export function SituationPanel({ incidentId }: { incidentId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.correlation.situation.queryOptions({ incidentId }));
  if (!q.data) return null;
  const { situation, incidents, links } = q.data;
  const why = new Map<string, string>();
  for (const l of links) if (!why.has(l.incidentId)) why.set(l.incidentId, l.explanation);
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
            <span className="text-xs text-zinc-500 dark:text-zinc-400">{why.get(i.id) ?? ''}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
