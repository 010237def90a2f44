'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, EmptyState } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

/** Deliveries whose every attempt failed: the last error, and a retry button. */
export function DeadLettersSection() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const dead = useQuery(trpc.notifications.deadLetters.list.queryOptions());
  const retry = useMutation(
    trpc.notifications.deadLetters.retry.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.deadLetters.pathKey() }),
    }),
  );
  return (
    <Card>
      <SectionTitle>Failed deliveries</SectionTitle>
      {dead.data && !dead.data.length ? <EmptyState title="Nothing failed." /> : null}
      <table className="w-full text-sm" aria-label="Failed deliveries">
        <tbody>
          {(dead.data ?? []).map((d) => (
            <tr key={d.id} className="border-t border-zinc-100 dark:border-zinc-800">
              <td className="py-1.5 pr-2">{formatDateTime(d.createdAt)}</td>
              <td className="py-1.5 pr-2">
                {d.trigger}
                {d.psaConnectionId ? ' (PSA ticket)' : ''}
              </td>
              <td className="py-1.5 pr-2 text-red-700 dark:text-red-400">
                {d.lastError} ({d.attempts} attempts)
              </td>
              <td className="py-1.5 text-right">
                <Button
                  variant="secondary"
                  disabled={retry.isPending}
                  onClick={() => retry.mutate({ id: d.id })}
                >
                  Retry
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
