'use client';

// PSA connections (ConnectWise Manage): list with Test/Delete and the company mapping per
// connection; the add form is psa-form.tsx. Keys never come back from the server.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, Field, Select } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { PsaForm } from './psa-form';

function MappingForm({ connectionId }: { connectionId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const companies = useQuery(trpc.company.list.queryOptions());
  const map = useMutation(
    trpc.notifications.psa.mapCompany.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  const [m, setM] = useState({ companyId: '', psaCompany: '' });
  return (
    <form
      className="mt-2 grid items-end gap-2 sm:grid-cols-[1fr_1fr_auto]"
      aria-label="Map a company"
      onSubmit={(e) => {
        e.preventDefault();
        map.mutate({ connectionId, ...m }, { onSuccess: () => setM({ companyId: '', psaCompany: '' }) });
      }}
    >
      <Select
        label="Our company"
        id={`map-${connectionId}-company`}
        value={m.companyId}
        onChange={(e) => setM({ ...m, companyId: e.target.value })}
        required
      >
        <option value="">Choose…</option>
        {(companies.data ?? []).map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Select>
      <Field
        label="ConnectWise company identifier"
        id={`map-${connectionId}-psa`}
        value={m.psaCompany}
        onChange={(e) => setM({ ...m, psaCompany: e.target.value })}
        hint="Empty removes the mapping."
      />
      <Button type="submit" variant="secondary" disabled={map.isPending}>
        Save mapping
      </Button>
      {map.error ? <ErrorNote>{map.error.message}</ErrorNote> : null}
    </form>
  );
}

export function PsaSection({ admin }: { admin: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const conns = useQuery(trpc.notifications.psa.list.queryOptions());
  const companies = useQuery(trpc.company.list.queryOptions());
  const remove = useMutation(
    trpc.notifications.psa.delete.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  const test = useMutation(trpc.notifications.psa.test.mutationOptions());
  const companyName = (id: string) => companies.data?.find((c) => c.id === id)?.name ?? id.slice(0, 8);

  return (
    <Card>
      <SectionTitle>PSA tickets</SectionTitle>
      <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        A policy with a PSA connection opens a ticket when an incident opens, adds notes on changes and closes
        it on resolve; a ticket closed in the PSA resolves its incident here (checked every minute).
      </p>
      <ul className="space-y-3 text-sm" aria-label="PSA connections">
        {(conns.data ?? []).map((c) => {
          const cfg = c.config as { board?: string; baseUrl?: string };
          return (
            <li key={c.id} className="border-t border-zinc-100 pt-2 dark:border-zinc-800">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span>
                  <strong>{c.name}</strong> · ConnectWise · board {cfg.board} · {cfg.baseUrl}
                  <span className="block text-xs text-zinc-500">
                    {c.lastPolledAt ? `last checked ${formatDateTime(c.lastPolledAt)}` : 'not checked yet'}
                    {c.lastPollError ? ` · error: ${c.lastPollError}` : ''}
                  </span>
                </span>
                <span className="flex gap-2">
                  <Button variant="secondary" onClick={() => test.mutate({ id: c.id })}>
                    Test
                  </Button>
                  {admin ? (
                    <Button variant="secondary" onClick={() => remove.mutate({ id: c.id })}>
                      Delete
                    </Button>
                  ) : null}
                </span>
              </div>
              {test.data && test.variables?.id === c.id ? (
                <p
                  role="status"
                  className={test.data.ok ? 'text-green-800 dark:text-green-300' : 'text-red-700'}
                >
                  {test.data.ok ? test.data.outcome : test.data.error}
                </p>
              ) : null}
              <ul className="mt-1 text-xs" aria-label={`Company mapping of ${c.name}`}>
                {c.mappings.map((m) => (
                  <li key={m.id}>
                    {companyName(m.companyId)} → {m.psaCompany}
                  </li>
                ))}
              </ul>
              {admin ? <MappingForm connectionId={c.id} /> : null}
            </li>
          );
        })}
      </ul>
      {admin ? <PsaForm /> : null}
    </Card>
  );
}
