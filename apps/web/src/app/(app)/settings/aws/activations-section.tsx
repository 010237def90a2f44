'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Skeleton } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { CodeBlock, LiveNote, OneTimeSecret, SectionTitle } from '~/components/ui-extra';
import { ColumnHeads, LoadError } from '~/components/load-state';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import type { CreatedActivation } from './rows';

export function Activations({
  company,
  canManage,
  connected,
}: {
  company: ScopedCompany;
  canManage: boolean;
  connected: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery({
    ...trpc.aws.activations.list.queryOptions({ companyId: company.id }),
    enabled: connected,
  });
  const refresh = () =>
    qc.invalidateQueries({ queryKey: trpc.aws.activations.list.queryKey({ companyId: company.id }) });
  const [limit, setLimit] = useState('5');
  const [days, setDays] = useState('7');
  const [instanceName, setInstanceName] = useState('');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<CreatedActivation | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const create = useMutation(
    trpc.aws.activations.create.mutationOptions({
      onSuccess: async (a) => {
        setCreated(a);
        setNote(null);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.aws.activations.delete.mutationOptions({
      onSuccess: async () => {
        setNote('Activation deleted: no new servers can register with it. Registered servers stay.');
        await refresh();
      },
    }),
  );

  return (
    <Card>
      <SectionTitle>Hybrid activations (on-prem servers)</SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        An activation lets up to N servers outside AWS register with Systems Manager as managed nodes (mi-…).
      </p>
      {!connected ? (
        <EmptyState title="Connect AWS first">
          Save the role ARN and run a successful connection test; activations are created with that role.
        </EmptyState>
      ) : (
        <>
          <div aria-live="polite" className="mb-3 space-y-3">
            {created ? (
              <OneTimeSecret
                label="Activation code"
                value={created.activationCode}
                onDismiss={() => setCreated(null)}
              >
                <p className="text-xs">
                  Activation ID <code className="font-mono">{created.activationId}</code> · region{' '}
                  {created.region} · up to {created.registrationLimit} servers · expires{' '}
                  {formatDateTime(created.expiresAt)}
                </p>
                <CodeBlock
                  label="Linux install command"
                  code={created.commands.linux}
                  copyLabel="Copy Linux command"
                />
                <CodeBlock
                  label="Windows install command"
                  code={created.commands.windows}
                  copyLabel="Copy Windows command"
                />
              </OneTimeSecret>
            ) : null}
            {note ? <LiveNote>{note}</LiveNote> : null}
          </div>
          {canManage ? (
            <form
              aria-label="Create activation"
              className="mb-6 grid gap-3 rounded-md border border-zinc-200 p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-zinc-800"
              onSubmit={(e) => {
                e.preventDefault();
                create.mutate({
                  companyId: company.id,
                  registrationLimit: Number(limit),
                  expiresInDays: Number(days),
                  defaultInstanceName: instanceName.trim() || undefined,
                  description: description.trim() || undefined,
                });
              }}
            >
              <Field
                id="act-limit"
                label="Servers (registration limit)"
                type="number"
                min={1}
                max={1000}
                required
                value={limit}
                onChange={(e) => setLimit(e.target.value)}
              />
              <Field
                id="act-days"
                label="Expires in (days)"
                type="number"
                min={1}
                max={30}
                required
                value={days}
                onChange={(e) => setDays(e.target.value)}
              />
              <Field
                id="act-name"
                label="Default instance name"
                maxLength={256}
                value={instanceName}
                onChange={(e) => setInstanceName(e.target.value)}
                placeholder="branch-office"
              />
              <Field
                id="act-description"
                label="Description"
                maxLength={256}
                value={description}
                onChange={(e) => setDescription(e.target.value)}
              />
              <div className="sm:col-span-2 lg:col-span-4">
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending ? 'Creating…' : 'Create activation'}
                </Button>
              </div>
              {create.isError ? (
                <div className="sm:col-span-2 lg:col-span-4">
                  <ErrorNote>Not created: {errorText(create.error)}</ErrorNote>
                </div>
              ) : null}
            </form>
          ) : null}
          {list.isPending ? (
            <Skeleton className="h-20" />
          ) : list.isError ? (
            <LoadError what="the activations" error={list.error} retry={() => void list.refetch()} />
          ) : list.data.length === 0 ? (
            <EmptyState title="No activations">
              {canManage ? 'Create one, then run the install command on each server.' : null}
            </EmptyState>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Hybrid activations</caption>
                <ColumnHeads names={['Activation', 'Site', 'Created by', 'Registrations', 'Expires', '']} />
                <tbody>
                  {list.data.map((a) => (
                    <tr key={a.activationId} className="border-t border-zinc-100 dark:border-zinc-800">
                      <td className="py-2 pr-2">
                        <div className="break-all font-mono text-xs">{a.activationId}</div>
                        <div className="text-xs text-zinc-500 dark:text-zinc-400">
                          {[a.description, a.defaultInstanceName].filter(Boolean).join(' · ') || '—'}
                          {a.tracked ? '' : ' · made outside Alert Whisperer'}
                        </div>
                      </td>
                      <td className="py-2 pr-2">{a.siteName ?? '—'}</td>
                      <td className="py-2 pr-2 text-xs">
                        {a.createdByKey ? (
                          <>
                            key {a.createdByKey.name}{' '}
                            <span className="font-mono">awk_{a.createdByKey.prefix}_…</span>
                          </>
                        ) : a.tracked ? (
                          'a person in the portal'
                        ) : (
                          '—'
                        )}
                      </td>
                      <td className="py-2 pr-2 tabular-nums">
                        {a.registrationsCount} / {a.registrationLimit} used, {a.registrationsLeft} left
                      </td>
                      <td className="py-2 pr-2">
                        {a.expired ? <Badge tone="zinc">Expired</Badge> : formatDateTime(a.expiresAt)}
                      </td>
                      <td className="py-2 text-right">
                        {canManage ? (
                          <Button
                            variant="ghost"
                            aria-label={`Revoke activation ${a.activationId}`}
                            disabled={remove.isPending}
                            onClick={() => {
                              if (
                                confirm(
                                  'Revoke this activation? It is deleted in AWS: no new server can register with it. Servers already registered stay managed.',
                                )
                              )
                                remove.mutate({ companyId: company.id, activationId: a.activationId });
                            }}
                          >
                            Revoke
                          </Button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {remove.isError ? <ErrorNote>Not deleted: {errorText(remove.error)}</ErrorNote> : null}
        </>
      )}
    </Card>
  );
}
