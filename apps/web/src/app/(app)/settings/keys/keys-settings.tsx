'use client';

import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useEffect, useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Select, Skeleton } from '~/components/ui';
import { CompanyScopedPage, type ScopedCompany } from '~/components/company-scope';
import {
  CodeBlock,
  LiveNote,
  OneTimeSecret,
  ReadOnlyNote,
  SectionTitle,
  Switch,
  TextArea,
} from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { useDebounced } from '~/lib/hooks';
import { formatDateTime } from '~/lib/format';
import type { AppRouter } from '~/server/root';
import type { TApiKeyScope } from '@aw/ingest/scopes';
import { ScopeBadges, ScopePicker } from './key-scopes';
import { useTRPC } from '~/trpc/react';

type Out = inferRouterOutputs<AppRouter>['ingest'];
type Created = Out['keys']['create'];
type KeyRow = Out['keys']['list'][number];

const OVERLAPS = [
  { value: '0', label: 'Stop the old key now' },
  { value: '60', label: 'Keep the old key 1 hour' },
  { value: '1440', label: 'Keep the old key 24 hours' },
  { value: '10080', label: 'Keep the old key 7 days' },
];

const UNSIGNED_EXPLAINED =
  'For senders that cannot compute our HMAC signature (Alertmanager, PagerDuty, Amazon SNS, Grafana). The key alone then authenticates: anyone who obtains it can send alerts, and requests are not checked for tampering or replay (no timestamp or signature). Keep such keys to those senders and rotate them if they leak.';

export function KeysSettings({ role, myCompanyId }: { role: Role; myCompanyId: string | null }) {
  return (
    <CompanyScopedPage role={role} myCompanyId={myCompanyId} id="keys-company">
      {(company) => <CompanyKeys key={company.id} company={company} role={role} />}
    </CompanyScopedPage>
  );
}

function CompanyKeys({ company, role }: { company: ScopedCompany; role: Role }) {
  const canManage = can(role, 'apiKey.create');
  const [fresh, setFresh] = useState<Created | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      {!canManage ? (
        <ReadOnlyNote>
          Read-only: owners, admins and the company’s client admin manage keys and the signing secret.
        </ReadOnlyNote>
      ) : null}
      <ApiKeys company={company} canManage={canManage} fresh={fresh} onCreated={setFresh} />
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <Signing company={company} canManage={canManage} onSecret={setSecret} />
        <CurlExample company={company} apiKey={fresh?.key} secret={secret} />
      </div>
      <Mappings company={company} canManage={canManage} />
    </div>
  );
}

function stateBadge(k: KeyRow) {
  const tones = { active: 'green', expiring: 'amber', expired: 'zinc', revoked: 'red' } as const;
  const label =
    k.state === 'expiring'
      ? `Expires ${formatDateTime(k.expiresAt)}`
      : k.state[0]!.toUpperCase() + k.state.slice(1);
  return <Badge tone={tones[k.state]}>{label}</Badge>;
}

function ApiKeys({
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
                      {k.allowUnsigned ? <Badge tone="orange">Unsigned sender</Badge> : null}
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

function Signing({
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

function CurlExample({
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

// ───────────── generic mappings ─────────────

const PATH_FIELDS = [
  { key: 'asset', label: 'Asset path', placeholder: 'host.name', required: true },
  { key: 'signature', label: 'Signature path', placeholder: 'check', required: true },
  { key: 'severity', label: 'Severity path', placeholder: 'priority or =critical' },
  { key: 'status', label: 'Status path', placeholder: 'state' },
  { key: 'time', label: 'Time path', placeholder: 'timestamp' },
  { key: 'summary', label: 'Summary path', placeholder: 'message' },
  { key: 'service', label: 'Service path', placeholder: 'service' },
  { key: 'labels', label: 'Labels path', placeholder: 'tags' },
  { key: 'items', label: 'Items path (batches)', placeholder: 'events' },
] as const;

type PathKey = (typeof PATH_FIELDS)[number]['key'];

const SAMPLE = JSON.stringify(
  {
    host: { name: 'db-01' },
    check: 'disk_full',
    priority: 'P1',
    state: 'PROBLEM',
    timestamp: '2026-01-01T10:00:00Z',
    message: 'Disk /var is 97% full',
  },
  null,
  2,
);

const START_PATHS: Record<PathKey, string> = {
  asset: 'host.name',
  signature: 'check',
  severity: 'priority',
  status: 'state',
  time: 'timestamp',
  summary: 'message',
  service: '',
  labels: '',
  items: '',
};

const START_MAPS = JSON.stringify(
  { severityMap: { P1: 'critical' }, statusMap: { PROBLEM: 'firing', OK: 'resolved' } },
  null,
  2,
);

function buildPaths(
  paths: Record<PathKey, string>,
  maps: string,
): { paths: Record<string, unknown> | null; error: string | null } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(paths)) if (v.trim()) out[k] = v.trim();
  if (maps.trim()) {
    try {
      const parsed = JSON.parse(maps) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return { paths: null, error: 'Value maps: a JSON object.' };
      for (const [k, v] of Object.entries(parsed)) if (k === 'severityMap' || k === 'statusMap') out[k] = v;
    } catch {
      return { paths: null, error: 'Value maps are not valid JSON.' };
    }
  }
  return { paths: out, error: null };
}

function Mappings({ company, canManage }: { company: ScopedCompany; canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.ingest.mappings.list.queryOptions({ companyId: company.id }));
  const refresh = () =>
    qc.invalidateQueries({ queryKey: trpc.ingest.mappings.list.queryKey({ companyId: company.id }) });
  const [name, setName] = useState('');
  const [paths, setPaths] = useState<Record<PathKey, string>>(START_PATHS);
  const [maps, setMaps] = useState(START_MAPS);
  const [sample, setSample] = useState(SAMPLE);
  const [note, setNote] = useState<string | null>(null);
  const built = buildPaths(paths, maps);
  let sampleValue: unknown = undefined;
  let sampleError: string | null = null;
  try {
    sampleValue = JSON.parse(sample);
  } catch {
    sampleError = 'The sample is not valid JSON.';
  }
  // Debounced on the serialized input: a string compares by value, so typing pauses settle once.
  const previewKey = useDebounced(
    built.paths && !sampleError ? JSON.stringify({ paths: built.paths, sample: sampleValue }) : null,
    350,
  );
  const previewInput = previewKey
    ? {
        companyId: company.id,
        ...(JSON.parse(previewKey) as { paths: Record<string, unknown>; sample: unknown }),
      }
    : null;
  const preview = useQuery({
    ...trpc.ingest.mappings.preview.queryOptions(
      previewInput ?? { companyId: company.id, paths: {}, sample: null },
    ),
    enabled: previewInput !== null,
    placeholderData: (p) => p,
  });
  const save = useMutation(
    trpc.ingest.mappings.save.mutationOptions({
      onSuccess: async (m) => {
        setNote(`Mapping “${m.name}” saved. Send to /api/v1/webhooks/generic?mapping=${m.name}`);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.ingest.mappings.delete.mutationOptions({
      onSuccess: async () => {
        setNote('Mapping deleted.');
        await refresh();
      },
    }),
  );
  const load = (m: { name: string; paths: unknown }) => {
    const p = (m.paths ?? {}) as Record<string, unknown>;
    const next = { ...START_PATHS };
    for (const f of PATH_FIELDS) next[f.key] = typeof p[f.key] === 'string' ? (p[f.key] as string) : '';
    setPaths(next);
    const vm: Record<string, unknown> = {};
    if (p.severityMap) vm.severityMap = p.severityMap;
    if (p.statusMap) vm.statusMap = p.statusMap;
    setMaps(Object.keys(vm).length ? JSON.stringify(vm, null, 2) : '');
    setName(m.name);
    setNote(null);
  };

  return (
    <Card>
      <SectionTitle>Generic payload mappings</SectionTitle>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        For senders with their own JSON (Datadog, Zabbix, scripts): say where asset, signature and the rest
        are in the payload, e.g. <code className="font-mono">host.name</code>,{' '}
        <code className="font-mono">tags[0]</code>, or a literal like{' '}
        <code className="font-mono">=critical</code>. The preview shows what a sample becomes.
      </p>
      {list.isSuccess && list.data.length > 0 ? (
        <ul className="mb-4 flex flex-wrap gap-2" aria-label="Saved mappings">
          {list.data.map((m) => (
            <li
              key={m.id}
              className="flex items-center gap-1 rounded-md border border-zinc-200 px-2 py-1 text-sm dark:border-zinc-800"
            >
              <span className="font-mono">{m.name}</span>
              <Button
                variant="ghost"
                className="px-1.5 py-0.5"
                aria-label={`Open mapping ${m.name}`}
                onClick={() => load(m)}
              >
                Open
              </Button>
              {canManage ? (
                <Button
                  variant="ghost"
                  className="px-1.5 py-0.5"
                  aria-label={`Delete mapping ${m.name}`}
                  onClick={() => {
                    if (confirm(`Delete the mapping “${m.name}”? Senders using it get 400 responses.`))
                      remove.mutate({ companyId: company.id, name: m.name });
                  }}
                >
                  Delete
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : list.isSuccess ? (
        <p className="mb-4 text-sm text-zinc-500 dark:text-zinc-400">
          No saved mappings yet: start from the example below.
        </p>
      ) : list.isError ? (
        <ErrorNote>Could not load mappings: {errorText(list.error)}</ErrorNote>
      ) : (
        <Skeleton className="mb-4 h-8" />
      )}
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <form
          aria-label="Mapping"
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!built.paths || !canManage) return;
            save.mutate({ companyId: company.id, name: name.trim(), paths: built.paths });
          }}
        >
          <fieldset disabled={!canManage} className="min-w-0 space-y-3">
            <Field
              id="mapping-name"
              label="Mapping name"
              hint="Letters, digits, . _ - (used as ?mapping=<name>)"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              className="font-mono"
            />
            <div className="grid gap-3 sm:grid-cols-2">
              {PATH_FIELDS.map((f) => (
                <Field
                  key={f.key}
                  id={`mapping-${f.key}`}
                  label={f.label}
                  placeholder={f.placeholder}
                  required={'required' in f}
                  value={paths[f.key]}
                  onChange={(e) => setPaths({ ...paths, [f.key]: e.target.value })}
                  className="font-mono"
                />
              ))}
            </div>
            <TextArea
              id="mapping-maps"
              label="Value maps (JSON)"
              hint='Sender words to ours: {"severityMap": {"P1": "critical"}, "statusMap": {"OK": "resolved"}}'
              rows={5}
              value={maps}
              onChange={(e) => setMaps(e.target.value)}
              error={built.error}
            />
          </fieldset>
          {canManage ? (
            <Button type="submit" disabled={save.isPending || !built.paths || !name.trim()}>
              {save.isPending ? 'Saving…' : 'Save mapping'}
            </Button>
          ) : null}
          {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
          <div aria-live="polite">{note ? <LiveNote>{note}</LiveNote> : null}</div>
        </form>
        <div className="space-y-3">
          <TextArea
            id="mapping-sample"
            label="Sample payload (JSON)"
            rows={10}
            value={sample}
            onChange={(e) => setSample(e.target.value)}
            error={sampleError}
          />
          <div aria-live="polite" aria-busy={preview.isFetching}>
            <h3 className="mb-1 text-sm font-medium">Preview</h3>
            {!previewInput ? (
              <p className="text-sm text-zinc-500 dark:text-zinc-400">
                Fix the mapping or sample to see a preview.
              </p>
            ) : preview.isError ? (
              <ErrorNote>Preview failed: {errorText(preview.error)}</ErrorNote>
            ) : !preview.data ? (
              <Skeleton className="h-20" />
            ) : preview.data.ok ? (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-xs">
                  <caption className="sr-only">Alerts the sample becomes</caption>
                  <thead className="text-zinc-500 dark:text-zinc-400">
                    <tr>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Asset
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Signature
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Severity
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Status
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Occurred
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Summary
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.data.alerts.map((a, i) => (
                      <tr key={i} className="border-t border-zinc-100 dark:border-zinc-800">
                        <td className="py-1 pr-2 font-mono">{a.asset}</td>
                        <td className="py-1 pr-2 font-mono">{a.signature}</td>
                        <td className="py-1 pr-2">{a.severity}</td>
                        <td className="py-1 pr-2">{a.status}</td>
                        <td className="py-1 pr-2">{formatDateTime(a.occurredAt)}</td>
                        <td className="py-1 pr-2">{a.summary}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <ul className="space-y-1 text-sm text-red-700 dark:text-red-300">
                {preview.data.problems.map((p, i) => (
                  <li key={i}>
                    <span className="font-mono">{p.field}</span>: {p.reason}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </div>
      {remove.isError ? <ErrorNote>Not deleted: {errorText(remove.error)}</ErrorNote> : null}
    </Card>
  );
}
