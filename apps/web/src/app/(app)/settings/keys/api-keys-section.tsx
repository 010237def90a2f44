'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Select, Skeleton } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { CodeBlock, LiveNote, OneTimeSecret, SectionTitle, Switch } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import type { TApiKeyScope } from '@aw/ingest/scopes';
import { KeyKindSelect, KindBadge } from './key-kind';
import { ScopeBadges, ScopePicker } from './key-scopes';
import { useTRPC } from '~/trpc/react';
import { type Created, type KeyRow, OVERLAPS } from './shared';

const UNSIGNED_EXPLAINED =
  'For senders that cannot compute our HMAC signature (Alertmanager, PagerDuty, Amazon SNS, Grafana). The key alone then authenticates: anyone who obtains it can send alerts, and requests are not checked for tampering or replay (no timestamp or signature). Keep such keys to those senders and rotate them if they leak.';

function stateBadge(k: KeyRow) {
  const tones = { active: 'green', expiring: 'amber', expired: 'zinc', revoked: 'red' } as const;
  const label =
    k.state === 'expiring'
      ? `Expires ${formatDateTime(k.expiresAt)}`
      : k.state[0]!.toUpperCase() + k.state.slice(1);
  return <Badge tone={tones[k.state]}>{label}</Badge>;
}

export function ApiKeys({
  company,
  canManage,
  fresh,
  onCreated,
}: {
  company: ScopedCompany;
  canManage: boolean;
  fresh: Created | null;
  onCreated: (c: Created | null) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.ingest.keys.list.queryOptions({ companyId: company.id }));
  const refresh = () =>
    qc.invalidateQueries({ queryKey: trpc.ingest.keys.list.queryKey({ companyId: company.id }) });
  const [name, setName] = useState('');
  const [unsigned, setUnsigned] = useState(false);
  const [pagerDuty, setPagerDuty] = useState(false);
  const [scopes, setScopes] = useState<TApiKeyScope[]>(['alerts:write']);
  const [rotating, setRotating] = useState<string | null>(null);
  const [overlap, setOverlap] = useState('1440');
  const [rotated, setRotated] = useState<(Created & { oldKeyExpiresAt: Date }) | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const create = useMutation(
    trpc.ingest.keys.create.mutationOptions({
      onSuccess: async (k) => {
        onCreated(k);
        setRotated(null);
        setName('');
        setUnsigned(false);
        setPagerDuty(false);
        setScopes(['alerts:write']);
        await refresh();
      },
    }),
  );
  const rotate = useMutation(
    trpc.ingest.keys.rotate.mutationOptions({
      onSuccess: async (k) => {
        setRotated(k);
        onCreated(null);
        setRotating(null);
        await refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.ingest.keys.revoke.mutationOptions({
      onSuccess: async () => {
        setNote('Key revoked: requests with it are refused from now on.');
        await refresh();
      },
    }),
  );
  const setUnsignedFlag = useMutation(
    trpc.ingest.keys.setAllowUnsigned.mutationOptions({
      onSuccess: async (r) => {
        setNote(
          r.allowUnsigned ? 'Key marked for an unsigned sender.' : 'Key requires signed requests again.',
        );
        await refresh();
      },
    }),
  );
  const shown = fresh ?? rotated;

  return (
    <Card>
      <SectionTitle>API keys</SectionTitle>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Senders authenticate with <code className="font-mono">X-API-Key</code> or{' '}
        <code className="font-mono">Authorization: Bearer</code>. Only a hash is stored, so a key is shown
        once.
      </p>
      <div aria-live="polite" className="mb-3 space-y-2">
        {shown ? (
          <OneTimeSecret
            label={rotated ? `New key for ${shown.name}` : `API key ${shown.name}`}
            value={shown.key}
            onDismiss={() => {
              onCreated(null);
              setRotated(null);
            }}
          >
            {shown.routingKey ? (
              <CodeBlock label="PagerDuty routing key" code={shown.routingKey} wrap />
            ) : null}
            {rotated ? (
              <p className="text-xs">
                The old key keeps working until {formatDateTime(rotated.oldKeyExpiresAt)}: switch your senders
                before then.
              </p>
            ) : null}
          </OneTimeSecret>
        ) : null}
        {note ? <LiveNote>{note}</LiveNote> : null}
      </div>
      {canManage ? (
        <form
          aria-label="Create API key"
          className="mb-6 grid gap-4 rounded-md border border-zinc-200 p-4 sm:grid-cols-2 dark:border-zinc-800"
          onSubmit={(e) => {
            e.preventDefault();
            setNote(null);
            if (!name.trim() || scopes.length === 0) return;
            create.mutate({
              companyId: company.id,
              name: name.trim(),
              scopes,
              allowUnsigned: unsigned,
              pagerDuty,
            });
          }}
        >
          <div className="sm:col-span-2">
            <Field
              id="key-name"
              label="Key name"
              hint="Where it is used, e.g. prometheus-prod or zabbix."
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <ScopePicker value={scopes} onChange={setScopes} />
          <Switch
            checked={unsigned}
            onChange={setUnsigned}
            label="Unsigned sender"
            description={UNSIGNED_EXPLAINED}
          />
          <Switch
            checked={pagerDuty}
            onChange={setPagerDuty}
            label="PagerDuty routing key"
            description="Also issue a routing_key for senders using the PagerDuty Events API v2; it maps to this key."
          />
          <div className="sm:col-span-2">
            <Button type="submit" disabled={create.isPending || !name.trim() || scopes.length === 0}>
              {create.isPending ? 'Creating…' : 'Create API key'}
            </Button>
          </div>
          {create.isError ? (
            <div className="sm:col-span-2">
              <ErrorNote>Not created: {errorText(create.error)}</ErrorNote>
            </div>
          ) : null}
        </form>
      ) : null}
      {list.isPending ? (
        <div className="space-y-2" aria-busy="true">
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
        </div>
      ) : list.isError ? (
        <ErrorNote>
          Could not load the keys: {errorText(list.error)}.{' '}
          <button type="button" className="underline" onClick={() => void list.refetch()}>
            Try again
          </button>
        </ErrorNote>
      ) : list.data.length === 0 ? (
        <EmptyState title="No API keys yet">
          {canManage
            ? 'Create one above, then paste it into your monitoring’s webhook settings.'
            : 'Ask an admin to create one for your monitoring.'}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="API keys">
          {list.data.map((k) => {
            const usable = k.state === 'active' || k.state === 'expiring';
            return (
              <li key={k.id} className="space-y-2 py-3">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <p className="font-medium">
                      <span>{k.name}</span> {stateBadge(k)} <ScopeBadges scopes={k.scopes} />{' '}
                      {k.pagerDuty ? <Badge tone="indigo">PagerDuty</Badge> : null}{' '}
                      {k.allowUnsigned ? <Badge tone="orange">Unsigned sender</Badge> : null}{' '}
                      <KindBadge kind={k.alertKind} />
                    </p>
                    <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">awk_{k.prefix}_…</p>
                    <p className="text-xs text-zinc-500 dark:text-zinc-400">
                      Created {formatDateTime(k.createdAt)} · last used{' '}
                      {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'}
                      {k.revokedAt ? ` · revoked ${formatDateTime(k.revokedAt)}` : ''}
                    </p>
                  </div>
                  {canManage && usable ? (
                    <div className="flex flex-wrap gap-1">
                      <Button
                        variant="secondary"
                        aria-expanded={rotating === k.id}
                        aria-label={`Rotate ${k.name}`}
                        onClick={() => setRotating(rotating === k.id ? null : k.id)}
                      >
                        Rotate
                      </Button>
                      <Button
                        variant="danger"
                        aria-label={`Revoke ${k.name}`}
                        disabled={revoke.isPending}
                        onClick={() => {
                          if (confirm(`Revoke “${k.name}”? Senders using it are refused at once.`))
                            revoke.mutate({ companyId: company.id, id: k.id });
                        }}
                      >
                        Revoke
                      </Button>
                    </div>
                  ) : null}
                </div>
                {canManage && usable ? (
                  <Switch
                    checked={k.allowUnsigned}
                    disabled={setUnsignedFlag.isPending}
                    onChange={(v) =>
                      setUnsignedFlag.mutate({ companyId: company.id, id: k.id, allowUnsigned: v })
                    }
                    label={`Unsigned sender (${k.name})`}
                    description={
                      k.allowUnsigned ? UNSIGNED_EXPLAINED : 'Off: requests must carry our HMAC signature.'
                    }
                  />
                ) : null}
                {canManage && usable ? (
                  <KeyKindSelect
                    companyId={company.id}
                    k={k}
                    onChanged={async (n) => {
                      setNote(n);
                      await refresh();
                    }}
                  />
                ) : null}
                {rotating === k.id ? (
                  <form
                    aria-label={`Rotate ${k.name}`}
                    className="flex flex-wrap items-end gap-2 rounded-md bg-zinc-50 p-3 dark:bg-zinc-950"
                    onSubmit={(e) => {
                      e.preventDefault();
                      rotate.mutate({ companyId: company.id, id: k.id, overlapMinutes: Number(overlap) });
                    }}
                  >
                    <Select
                      id={`overlap-${k.id}`}
                      label="Overlap"
                      value={overlap}
                      onChange={(e) => setOverlap(e.target.value)}
                    >
                      {OVERLAPS.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </Select>
                    <Button type="submit" disabled={rotate.isPending}>
                      {rotate.isPending ? 'Rotating…' : 'Issue new key'}
                    </Button>
                    <Button variant="ghost" onClick={() => setRotating(null)}>
                      Cancel
                    </Button>
                  </form>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {rotate.isError ? <ErrorNote>Not rotated: {errorText(rotate.error)}</ErrorNote> : null}
      {revoke.isError ? <ErrorNote>Not revoked: {errorText(revoke.error)}</ErrorNote> : null}
      {setUnsignedFlag.isError ? (
        <ErrorNote>Not changed: {errorText(setUnsignedFlag.error)}</ErrorNote>
      ) : null}
    </Card>
  );
}
