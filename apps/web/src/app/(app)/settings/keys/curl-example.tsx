'use client';

import { useQuery } from '@tanstack/react-query';
import { Card, ErrorNote, Skeleton } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { CodeBlock, SectionTitle } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';

export function CurlExample({
  company,
  apiKey,
  secret,
}: {
  company: ScopedCompany;
  apiKey?: string;
  secret: string | null;
}) {
  const trpc = useTRPC();
  const origin = typeof window === 'undefined' ? 'http://localhost' : window.location.origin;
  const example = useQuery(
    trpc.ingest.secret.curlExample.queryOptions({ companyId: company.id, baseUrl: origin, apiKey }),
  );
  const command =
    example.data && secret
      ? example.data.command.replace(/^SECRET=.*$/m, `SECRET='${secret.replace(/'/g, "'\\''")}'`)
      : example.data?.command;
  return (
    <Card>
      <SectionTitle>Send a signed test alert</SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        Paste into a shell with <code className="font-mono">openssl</code> and{' '}
        <code className="font-mono">curl</code>.
        {apiKey
          ? ' Your new key is filled in.'
          : ' Replace awk_… with a key (a new key is filled in automatically).'}
        {secret ? ' The revealed secret is filled in.' : ' Replace whsec_… with the signing secret.'}
      </p>
      {example.isPending ? (
        <Skeleton className="h-40" />
      ) : example.isError ? (
        <ErrorNote>Could not build the example: {errorText(example.error)}</ErrorNote>
      ) : (
        <CodeBlock label="curl command" code={command ?? ''} copyLabel="Copy curl command" />
      )}
    </Card>
  );
}
