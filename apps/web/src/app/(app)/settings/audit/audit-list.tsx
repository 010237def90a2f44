'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, EmptyState, ErrorNote, Skeleton } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

export function AuditList() {
  const trpc = useTRPC();
  const q = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { limit: 50 },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
  );
  if (q.isPending) return <Skeleton className="h-40" />;
  if (q.isError) return <ErrorNote>Could not load the audit log: {q.error.message}</ErrorNote>;
  const items = q.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <EmptyState title="Nothing recorded yet" />;
  return (
    <Card>
      <table className="w-full text-left text-sm">
        <thead className="text-zinc-500 dark:text-zinc-400">
          <tr>
            <th className="py-1 font-normal">When</th>
            <th className="py-1 font-normal">Who</th>
            <th className="py-1 font-normal">What</th>
            <th className="py-1 font-normal">Target</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={String(i.id)} className="border-t border-zinc-100 align-top dark:border-zinc-800">
              <td className="whitespace-nowrap py-2 pr-3">{new Date(i.createdAt).toLocaleString()}</td>
              <td className="pr-3">{i.actor ?? 'system'}</td>
              <td className="pr-3 font-mono text-xs">{i.action}</td>
              <td className="font-mono text-xs">
                {i.targetType}
                {i.targetId ? ` ${i.targetId.slice(0, 8)}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.hasNextPage ? (
        <Button
          variant="secondary"
          className="mt-3"
          onClick={() => q.fetchNextPage()}
          disabled={q.isFetchingNextPage}
        >
          Load more
        </Button>
      ) : null}
    </Card>
  );
}
