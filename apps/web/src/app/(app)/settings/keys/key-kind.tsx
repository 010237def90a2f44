'use client';

// The alert kind of one API key's alerts: stateful (the sender reports ends) or event (no end will
// ever come), used when an alert does not say; "source default" keeps the source's own kind.
import { useMutation } from '@tanstack/react-query';
import { Badge, ErrorNote, Select } from '~/components/ui';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';
import type { KeyRow } from './shared';

export const KIND_CHOICES = [
  { value: '', label: 'Source default' },
  { value: 'STATEFUL', label: 'Stateful: the sender reports when it ends' },
  { value: 'EVENT', label: 'Event: no end will ever come (IDS, syslog)' },
] as const;

export function KindBadge({ kind }: { kind: KeyRow['alertKind'] }) {
  if (!kind) return null;
  return <Badge tone={kind === 'EVENT' ? 'amber' : 'zinc'}>{kind === 'EVENT' ? 'Events' : 'Stateful'}</Badge>;
}

export function KeyKindSelect({
  companyId,
  k,
  onChanged,
}: {
  companyId: string;
  k: KeyRow;
  onChanged: (note: string) => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const set = useMutation(
    trpc.correlation.setKeyAlertKind.mutationOptions({
      onSuccess: (r) =>
        onChanged(
          r.kind === null
            ? `Alerts of ${k.name} take their source's default kind.`
            : `Alerts of ${k.name} are ${r.kind === 'EVENT' ? 'events: an event stops holding its incident open after the firing TTL' : 'stateful: they hold their incident open until resolved'} (unless an alert says otherwise).`,
        ),
    }),
  );
  return (
    <div className="max-w-md">
      <Select
        id={`kind-${k.id}`}
        label={`Alert kind (${k.name})`}
        value={k.alertKind ?? ''}
        disabled={set.isPending}
        onChange={(e) =>
          set.mutate({
            companyId,
            keyId: k.id,
            kind: e.target.value === '' ? null : (e.target.value as 'STATEFUL' | 'EVENT'),
          })
        }
      >
        {KIND_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </Select>
      <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        Used when an alert does not say <code className="font-mono">&quot;kind&quot;</code> itself.
      </p>
      {set.isError ? <ErrorNote>Not changed: {errorText(set.error)}</ErrorNote> : null}
    </div>
  );
}
