'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { useTRPC } from '~/trpc/react';
import { PolicyForm } from './policy-form';

export function PoliciesSection({ admin }: { admin: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const policies = useQuery(trpc.notifications.policies.list.queryOptions());
  const channels = useQuery(trpc.notifications.channels.list.queryOptions());
  const refetch = () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const remove = useMutation(trpc.notifications.policies.delete.mutationOptions({ onSuccess: refetch }));
  const psa = useQuery(trpc.notifications.psa.list.queryOptions());
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? id.slice(0, 8);
  const psaName = (id: string) => psa.data?.find((c) => c.id === id)?.name ?? 'PSA';

  return (
    <Card>
      <SectionTitle>Policies</SectionTitle>
      <ul className="space-y-2 text-sm" aria-label="Notification policies">
        {(policies.data ?? []).map((p) => (
          <li
            key={p.id}
            className="flex flex-wrap items-center justify-between gap-2 border-t border-zinc-100 pt-2 dark:border-zinc-800"
          >
            <span>
              <strong>{p.name}</strong> · {p.triggers.join(', ')} → {p.channelIds.map(channelName).join(', ')}
              {p.severities.length ? ` · ${p.severities.join('/')}` : ''}
              {p.quietHours ? ' · quiet hours' : ''}
              {p.businessHours ? ' · business hours' : ''}
              {p.psaConnectionId ? ` · ticket in ${psaName(p.psaConnectionId)}` : ''}
              {p.escalationPolicyId ? ' · escalates' : ''}
            </span>
            {admin ? (
              <Button variant="secondary" onClick={() => remove.mutate({ id: p.id })}>
                Delete
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {admin ? <PolicyForm /> : null}
    </Card>
  );
}
