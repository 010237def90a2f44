'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Card, EmptyState } from '~/components/ui';
import { formatDateTime } from '~/lib/format';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useTRPC } from '~/trpc/react';

interface Body {
  message: {
    text: string;
    companyName: string;
    ackUrl?: string;
    incident?: { url: string; severity: string };
    incidents?: { title: string; url: string }[];
  };
}

export function InboxList() {
  const trpc = useTRPC();
  const inbox = useQuery(trpc.notifications.inbox.queryOptions({ limit: 50 }));
  useRealtime((m) => {
    if (m.type === 'reset' || m.type === 'incident.created' || m.type === 'incident.updated')
      void inbox.refetch();
  });
  if (inbox.data && !inbox.data.length)
    return (
      <EmptyState title="No messages yet.">When an incident opens, the demo policy delivers here.</EmptyState>
    );
  return (
    <ol className="space-y-3" aria-label="Demo inbox">
      {(inbox.data ?? []).map((m) => {
        const b = m.body as unknown as Body;
        return (
          <li key={m.id}>
            <Card>
              <p className="text-xs text-zinc-500">
                {formatDateTime(m.createdAt)} · {b.message.companyName}
              </p>
              <h2 className="font-medium">{m.title}</h2>
              <p className="text-sm">{b.message.text}</p>
              {b.message.incidents?.length ? (
                <ul className="mt-1 list-disc pl-5 text-sm">
                  {b.message.incidents.map((i) => (
                    <li key={i.url}>{i.title}</li>
                  ))}
                </ul>
              ) : null}
              <p className="mt-2 space-x-3 text-sm">
                {b.message.incident ? (
                  <Link className="underline" href={new URL(b.message.incident.url).pathname}>
                    Open incident
                  </Link>
                ) : null}
                {b.message.ackUrl ? (
                  <a className="underline" href={new URL(b.message.ackUrl).pathname}>
                    Acknowledge
                  </a>
                ) : null}
              </p>
            </Card>
          </li>
        );
      })}
    </ol>
  );
}
