'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button, Card, ErrorNote, Select, Skeleton } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { CodeBlock, LiveNote, OneTimeSecret, SectionTitle, Switch } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { OVERLAPS } from './shared';

export function Signing({
  company,
  canManage,
  onSecret,
}: {
  company: ScopedCompany;
  canManage: boolean;
  onSecret: (s: string | null) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [revealed, setRevealed] = useState(false);
  const [overlap, setOverlap] = useState('1440');
  const [rotatedSecret, setRotatedSecret] = useState<string | null>(null);
  const reveal = useQuery({
    ...trpc.ingest.secret.reveal.queryOptions({ companyId: company.id }),
    enabled: revealed && canManage,
    staleTime: 0,
  });
  useEffect(() => {
    if (revealed && reveal.data) onSecret(reveal.data.secret);
  }, [revealed, reveal.data, onSecret]);
  const hmac = useMutation(
    trpc.ingest.secret.setHmacRequired.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.company.list.queryKey() }),
    }),
  );
  const rotate = useMutation(
    trpc.ingest.secret.rotate.mutationOptions({
      onSuccess: async (r) => {
        setRotatedSecret(r.secret);
        onSecret(r.secret);
        await qc.invalidateQueries({
          queryKey: trpc.ingest.secret.reveal.queryKey({ companyId: company.id }),
        });
      },
    }),
  );
  const required =
    hmac.isPending && hmac.variables
      ? hmac.variables.required
      : hmac.isSuccess
        ? hmac.data.hmacRequired
        : company.hmacRequired;

  return (
    <Card>
      <SectionTitle>Request signing (HMAC)</SectionTitle>
      <div className="space-y-4">
        <Switch
          checked={required}
          disabled={!canManage || hmac.isPending}
          onChange={(v) => {
            if (
              !v &&
              !confirm('Turn off HMAC for the whole company? Every key then works without a signature.')
            )
              return;
            hmac.mutate({ companyId: company.id, required: v });
          }}
          label="Require HMAC signatures"
          description={
            required
              ? 'On: every request must carry X-Timestamp and X-Signature (HMAC-SHA256 of timestamp.body), except keys marked as unsigned senders. Old or replayed requests are refused.'
              : 'Off: the API key alone authenticates every request. Anyone holding a key can send alerts, and tampered or replayed requests are not detected.'
          }
        />
        {hmac.isError ? <ErrorNote>Not changed: {errorText(hmac.error)}</ErrorNote> : null}
        <div aria-live="polite">
          {hmac.isSuccess ? (
            <LiveNote>HMAC signatures {hmac.data.hmacRequired ? 'required' : 'no longer required'}.</LiveNote>
          ) : null}
        </div>

        <div>
          <h3 className="mb-2 text-sm font-medium">Signing secret</h3>
          {!canManage ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Only admins can reveal or rotate the secret.
            </p>
          ) : (
            <div className="space-y-3">
              <div className="flex flex-wrap gap-2">
                <Button
                  variant="secondary"
                  aria-expanded={revealed}
                  onClick={() => {
                    setRevealed((r) => !r);
                    if (revealed) onSecret(null);
                  }}
                >
                  {revealed ? 'Hide secret' : 'Reveal secret'}
                </Button>
              </div>
              <div aria-live="polite">
                {revealed ? (
                  reveal.isPending ? (
                    <Skeleton className="h-10" />
                  ) : reveal.isError ? (
                    <ErrorNote>Could not reveal: {errorText(reveal.error)}</ErrorNote>
                  ) : reveal.data ? (
                    <CodeBlock
                      label={`Current secret (since ${formatDateTime(reveal.data.createdAt)})`}
                      copyLabel="Copy secret"
                      code={reveal.data.secret}
                      wrap
                    />
                  ) : (
                    <p className="text-sm">No signing secret yet: rotate to create the first one.</p>
                  )
                ) : null}
              </div>
              <form
                aria-label="Rotate signing secret"
                className="flex flex-wrap items-end gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  rotate.mutate({ companyId: company.id, overlapMinutes: Number(overlap) });
                }}
              >
                <Select
                  id="secret-overlap"
                  label="Previous secret"
                  value={overlap}
                  onChange={(e) => setOverlap(e.target.value)}
                >
                  {OVERLAPS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label.replace('key', 'secret')}
                    </option>
                  ))}
                </Select>
                <Button type="submit" variant="secondary" disabled={rotate.isPending}>
                  {rotate.isPending ? 'Rotating…' : 'Rotate secret'}
                </Button>
              </form>
              {rotate.isError ? <ErrorNote>Not rotated: {errorText(rotate.error)}</ErrorNote> : null}
              <div aria-live="polite">
                {rotatedSecret ? (
                  <OneTimeSecret
                    label="New signing secret"
                    value={rotatedSecret}
                    onDismiss={() => setRotatedSecret(null)}
                  >
                    <p className="text-xs">
                      Update every sender that signs requests; the previous secret keeps working for the
                      overlap.
                    </p>
                  </OneTimeSecret>
                ) : null}
              </div>
            </div>
          )}
        </div>
      </div>
    </Card>
  );
}
