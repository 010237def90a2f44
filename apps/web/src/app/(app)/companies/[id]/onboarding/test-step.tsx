'use client';

import { useQuery } from '@tanstack/react-query';
import { Button, Card, Skeleton, cx } from '~/components/ui';
import { useTRPC } from '~/trpc/react';
import { CodeBlock } from '~/components/ui-extra';

export function TestStep({
  companyId,
  baseUrl,
  apiKey,
  secret,
  received,
  onBackToKeys,
  onNext,
}: {
  companyId: string;
  baseUrl: string;
  apiKey: string | null;
  secret: string | null;
  received: string | null;
  onBackToKeys: () => void;
  onNext: () => void;
}) {
  const trpc = useTRPC();
  const curl = useQuery(
    trpc.ingest.secret.curlExample.queryOptions({
      companyId,
      baseUrl,
      apiKey: apiKey ?? undefined,
      secret: secret ?? undefined,
    }),
  );
  return (
    <Card>
      <h2 className="mb-1 text-lg font-medium">Send a test alert</h2>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Paste this into a terminal. It signs the request with your secret and posts one alert. This page
        completes by itself the moment the alert arrives.
      </p>
      {!apiKey || !secret ? (
        <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          The command has placeholders: create a key and secret in{' '}
          <button type="button" className="underline" onClick={onBackToKeys}>
            step 2
          </button>{' '}
          to get a ready-to-paste command (they are shown once).
        </p>
      ) : null}
      {curl.data ? (
        <CodeBlock code={curl.data.command} label="Test alert command" />
      ) : (
        <Skeleton className="h-40" />
      )}
      <div
        className={cx(
          'mt-4 rounded-md px-3 py-2 text-sm',
          received
            ? 'bg-green-50 text-green-900 dark:bg-green-950 dark:text-green-100'
            : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
        )}
        role="status"
        aria-live="polite"
      >
        {received
          ? `First alert received ${new Date(received).toLocaleTimeString()}. You are connected.`
          : 'Waiting for your first alert…'}
      </div>
      <div className="mt-6 flex gap-2">
        <Button onClick={onNext} disabled={!received} variant={received ? 'primary' : 'secondary'}>
          Finish
        </Button>
        {!received ? (
          <Button variant="ghost" onClick={onNext}>
            Skip for now
          </Button>
        ) : null}
      </div>
    </Card>
  );
}
