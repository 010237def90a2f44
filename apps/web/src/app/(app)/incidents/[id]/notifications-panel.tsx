'use client';

// Every notification and PSA ticket action of this incident (MSP staff): what was sent where,
// what waits (quiet hours, group wait, rate limit), what failed and why, and the ticket links.
import { useQuery } from '@tanstack/react-query';
import { Badge, Card } from '~/components/ui';
import { ago } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

const TONE = { SENT: 'green', PENDING: 'amber', FAILED: 'red', GROUPED: 'zinc' } as const;

export function NotificationsPanel({ incidentId }: { incidentId: string }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.notifications.forIncident.queryOptions({ incidentId }),
    refetchInterval: 15_000,
  });
  const data = q.data;
  if (!data || (!data.deliveries.length && !data.tickets.length)) return null;
  return (
    <Card>
      <h2 className="mb-3 font-medium">Notifications and tickets</h2>
      {data.tickets.length ? (
        <ul className="mb-3 space-y-1 text-sm" aria-label="PSA tickets">
          {data.tickets.map((t) => (
            <li key={`${t.connectionId}:${t.ticketId}`}>
              Ticket <strong>#{t.ticketId}</strong> in {t.connection} ·{' '}
              {t.status === 'OPEN' ? 'open' : `closed ${t.closedBy === 'psa' ? 'in the PSA' : 'here'}`}
            </li>
          ))}
        </ul>
      ) : null}
      <ol className="space-y-1 text-sm" aria-label="Notifications">
        {data.deliveries.map((d) => (
          <li key={d.id} className="flex flex-wrap items-center gap-2">
            <Badge tone={TONE[d.status]}>{d.status.toLowerCase()}</Badge>
            <span>
              {d.trigger} → {d.target}
            </span>
            <span className="text-zinc-500 dark:text-zinc-400">
              {d.sentAt
                ? ago(d.sentAt)
                : d.status === 'PENDING'
                  ? `due ${new Date(d.notBefore).toLocaleString()}`
                  : d.status === 'GROUPED'
                    ? 'in a digest'
                    : ''}
            </span>
            {d.lastError ? <span className="text-red-700 dark:text-red-300">{d.lastError}</span> : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}
