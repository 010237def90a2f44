'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, ErrorNote } from '~/components/ui';
import { useTRPC } from '~/trpc/react';
import { CopyButton } from '~/components/ui-extra';

export function KeysStep({
  companyId,
  readOnly,
  apiKey,
  secret,
  onKey,
  onSecret,
  onNext,
}: {
  companyId: string;
  readOnly: boolean;
  apiKey: string | null;
  secret: string | null;
  onKey: (k: string) => void;
  onSecret: (s: string) => void;
  onNext: () => void;
}) {
  const trpc = useTRPC();
  const keys = useQuery(trpc.ingest.keys.list.queryOptions({ companyId }));
  const create = useMutation(trpc.ingest.keys.create.mutationOptions({ onSuccess: (r) => onKey(r.key) }));
  const rotate = useMutation(
    trpc.ingest.secret.rotate.mutationOptions({ onSuccess: (r) => onSecret(r.secret) }),
  );
  const existing = (keys.data ?? []) as {
    id: string;
    name: string;
    prefix: string;
    revokedAt: Date | null;
  }[];
  return (
    <Card>
      <h2 className="mb-1 text-lg font-medium">API key and signing secret</h2>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Your monitoring sends alerts with the API key and signs each request with the secret (HMAC-SHA256).
        Both are shown <strong>once</strong>: store them in your secret manager now.
      </p>
      <div className="grid gap-6 md:grid-cols-2">
        <div className="space-y-3">
          <h3 className="font-medium">API key</h3>
          {apiKey ? (
            <div className="space-y-2" role="status">
              <input
                readOnly
                value={apiKey}
                aria-label="New API key"
                className="w-full rounded border px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
              />
              <CopyButton text={apiKey} label="Copy API key" />
            </div>
          ) : (
            <>
              {existing.filter((k) => !k.revokedAt).length ? (
                <p className="text-sm">
                  Existing keys:{' '}
                  {existing
                    .filter((k) => !k.revokedAt)
                    .map((k) => `${k.name} (${k.prefix}…)`)
                    .join(', ')}
                </p>
              ) : null}
              <Button
                disabled={readOnly || create.isPending}
                onClick={() =>
                  create.mutate({ companyId, name: 'Onboarding key', allowUnsigned: false, pagerDuty: false })
                }
              >
                Create API key
              </Button>
            </>
          )}
          {create.isError ? <ErrorNote>{create.error.message}</ErrorNote> : null}
        </div>
        <div className="space-y-3">
          <h3 className="font-medium">Signing secret</h3>
          {secret ? (
            <div className="space-y-2" role="status">
              <input
                readOnly
                value={secret}
                aria-label="New signing secret"
                className="w-full rounded border px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
              />
              <CopyButton text={secret} label="Copy secret" />
            </div>
          ) : (
            <Button
              disabled={readOnly || rotate.isPending}
              onClick={() => rotate.mutate({ companyId, overlapMinutes: 0 })}
            >
              Generate signing secret
            </Button>
          )}
          {rotate.isError ? <ErrorNote>{rotate.error.message}</ErrorNote> : null}
        </div>
      </div>
      <div className="mt-6 flex gap-2">
        <Button onClick={onNext}>Continue</Button>
        <Button variant="ghost" onClick={onNext}>
          Skip
        </Button>
      </div>
    </Card>
  );
}
