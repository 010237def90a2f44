'use client';

import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Skeleton } from '~/components/ui';
import { CompanyScopedPage, type ScopedCompany, SimulatedBadge } from '~/components/company-scope';
import {
  CodeBlock,
  CopyButton,
  LiveNote,
  OneTimeSecret,
  ReadOnlyNote,
  SectionTitle,
} from '~/components/ui-extra';
import { downloadText } from '~/lib/download';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import type { AppRouter } from '~/server/root';
import { useTRPC } from '~/trpc/react';

type Out = inferRouterOutputs<AppRouter>['aws'];
type Onboarding = Out['onboarding'];
type CreatedActivation = Out['activations']['create'];

const STATUS: Record<string, { label: string; tone: 'green' | 'red' | 'amber' | 'zinc' }> = {
  CONNECTED: { label: 'Connected', tone: 'green' },
  FAILED: { label: 'Connection failed', tone: 'red' },
  PENDING: { label: 'Not tested yet', tone: 'amber' },
  NOT_CONFIGURED: { label: 'Not connected', tone: 'zinc' },
};

export function AwsSettings({ role, myCompanyId }: { role: Role; myCompanyId: string | null }) {
  return (
    <CompanyScopedPage role={role} myCompanyId={myCompanyId} id="aws-company">
      {(company) => <CompanyAws key={company.id} company={company} role={role} />}
    </CompanyScopedPage>
  );
}

function CompanyAws({ company, role }: { company: ScopedCompany; role: Role }) {
  const trpc = useTRPC();
  const canManage = can(role, 'company.awsRole.set');
  const availability = useQuery(trpc.aws.availability.queryOptions({ companyId: company.id }));
  const available = availability.data?.available === true;
  const onboarding = useQuery({
    ...trpc.aws.onboarding.queryOptions({ companyId: company.id }),
    enabled: available,
  });
  if (availability.isSuccess && !available)
    return (
      <EmptyState title="AWS onboarding is not available on this deployment">
        <p>{availability.data.reason}</p>
        <p className="mt-2">
          Alerts still arrive through webhooks: create a key under{' '}
          <Link href="/settings/keys" className="underline">
            API keys &amp; signing
          </Link>
          .
        </p>
      </EmptyState>
    );
  if (availability.isError)
    return (
      <ErrorNote>
        Could not check the AWS connection: {errorText(availability.error)}{' '}
        <button type="button" className="underline" onClick={() => void availability.refetch()}>
          Try again
        </button>
      </ErrorNote>
    );
  if (availability.isPending || onboarding.isPending)
    return (
      <div className="space-y-4" aria-busy="true" aria-label="Loading the AWS connection">
        <Skeleton className="h-32" />
        <Skeleton className="h-64" />
      </div>
    );
  if (onboarding.isError)
    return (
      <ErrorNote>
        Could not load the AWS connection: {errorText(onboarding.error)}{' '}
        <button type="button" className="underline" onClick={() => void onboarding.refetch()}>
          Try again
        </button>
      </ErrorNote>
    );
  const o = onboarding.data;
  const connected = o.status === 'CONNECTED';
  return (
    <div className="space-y-6">
      {o.simulated ? (
        <div
          role="note"
          className="flex flex-wrap items-center gap-2 rounded-md border border-orange-300 bg-orange-50 px-3 py-2 text-sm text-orange-950 dark:border-orange-800 dark:bg-orange-950 dark:text-orange-100"
        >
          <SimulatedBadge />
          <span>
            {company.name} is connected to a simulated AWS account that runs on this server for the demo.
            Nothing here touches a real AWS account.
          </span>
        </div>
      ) : null}
      {company.webhookOnly && !o.roleArn ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {company.name} currently uses webhooks only. Connect AWS to list managed nodes and run runbooks in
          its account.
        </p>
      ) : null}
      {!canManage ? <ReadOnlyNote /> : null}
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <RoleSetup o={o} />
        <Connection company={company} o={o} canManage={canManage} />
      </div>
      <Activations company={company} canManage={can(role, 'activation.create')} connected={connected} />
      <Nodes company={company} canManage={can(role, 'node.sync')} connected={connected} />
    </div>
  );
}

function RoleSetup({ o }: { o: Onboarding }) {
  return (
    <Card>
      <SectionTitle>1. Create the cross-account role</SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        The role trusts only our AWS account ({o.mspAccountId}) and only with this External ID, so no other
        customer of ours can make us act in your account. Sessions last {Math.round(o.sessionSeconds / 60)}{' '}
        minutes; no long-lived keys are stored.
      </p>
      <dl className="mb-4 space-y-2 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          <dt className="font-medium">External ID</dt>
          <dd className="flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-950">
              {o.externalId}
            </code>
            <CopyButton text={o.externalId} label="Copy External ID" />
          </dd>
        </div>
        <div className="flex flex-wrap gap-2">
          <dt className="font-medium">Role name</dt>
          <dd className="font-mono text-xs leading-5">{o.expectedRoleName}</dd>
        </div>
        <div className="flex flex-wrap gap-2">
          <dt className="font-medium">Region</dt>
          <dd className="font-mono text-xs leading-5">{o.region}</dd>
        </div>
      </dl>
      <div className="mb-4 flex flex-wrap gap-2">
        {o.cloudFormation.quickCreateUrl ? (
          <a
            href={o.cloudFormation.quickCreateUrl}
            target="_blank"
            rel="noopener noreferrer"
            className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Launch CloudFormation quick-create<span className="sr-only"> (opens in a new tab)</span> ↗
          </a>
        ) : null}
        <Button
          variant="secondary"
          onClick={() => downloadText(o.cloudFormation.fileName, o.cloudFormation.body, 'application/json')}
        >
          Download CloudFormation template
        </Button>
      </div>
      {!o.cloudFormation.quickCreateUrl ? (
        <p className="mb-4 text-xs text-zinc-500 dark:text-zinc-400">
          Quick-create needs the template at a public URL (CFN_TEMPLATE_URL), which this server does not set:
          download the template and create the stack “{o.cloudFormation.stackName}” in the CloudFormation
          console.
        </p>
      ) : null}
      <details className="group">
        <summary className="cursor-pointer text-sm font-medium">Prefer Terraform?</summary>
        <div className="mt-2">
          <CodeBlock label="Terraform module" code={o.terraform.usage} copyLabel="Copy Terraform snippet" />
        </div>
      </details>
    </Card>
  );
}

function Connection({
  company,
  o,
  canManage,
}: {
  company: ScopedCompany;
  o: Onboarding;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [roleArn, setRoleArn] = useState(o.roleArn ?? '');
  const [region, setRegion] = useState(o.region);
  const [saved, setSaved] = useState(false);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: trpc.aws.onboarding.queryKey({ companyId: company.id }) });
    await qc.invalidateQueries({ queryKey: trpc.company.list.queryKey() });
  };
  const save = useMutation(
    trpc.aws.setRoleArn.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        test.reset();
        await refresh();
      },
    }),
  );
  const test = useMutation(trpc.aws.testConnection.mutationOptions({ onSuccess: refresh }));
  const status = STATUS[o.status] ?? { label: o.status, tone: 'zinc' as const };
  const arnOk = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/.test(roleArn.trim());

  return (
    <Card>
      <SectionTitle aside={<Badge tone={status.tone}>{status.label}</Badge>}>
        2. Connect and test
      </SectionTitle>
      <form
        aria-label="Role ARN"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          save.mutate({ companyId: company.id, roleArn: roleArn.trim(), region: region.trim() || undefined });
        }}
      >
        <fieldset disabled={!canManage} className="min-w-0 space-y-3">
          <Field
            id="aws-role-arn"
            label="Role ARN"
            hint="The RoleArn output of the CloudFormation stack or Terraform module: arn:aws:iam::<account>:role/<name>"
            value={roleArn}
            onChange={(e) => {
              setRoleArn(e.target.value);
              setSaved(false);
            }}
            error={roleArn && !arnOk ? 'Expected arn:aws:iam::<12-digit account>:role/<name>.' : null}
            className="font-mono"
            required
          />
          <Field
            id="aws-region"
            label="Region"
            value={region}
            onChange={(e) => setRegion(e.target.value)}
            className="font-mono"
            hint="Where Systems Manager runs for this company, e.g. eu-central-1."
          />
        </fieldset>
        {canManage ? (
          <div className="flex flex-wrap gap-2">
            <Button
              type="submit"
              variant="secondary"
              disabled={
                save.isPending || !arnOk || (roleArn.trim() === o.roleArn && region.trim() === o.region)
              }
            >
              {save.isPending ? 'Saving…' : 'Save role ARN'}
            </Button>
            <Button
              onClick={() => test.mutate({ companyId: company.id })}
              disabled={test.isPending || !o.roleArn}
              title={!o.roleArn ? 'Save a role ARN first' : undefined}
            >
              {test.isPending ? 'Testing…' : 'Test connection'}
            </Button>
          </div>
        ) : null}
        {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
        <div aria-live="polite">
          {saved ? <LiveNote>Role ARN saved. Test the connection next.</LiveNote> : null}
        </div>
      </form>
      <div aria-live="polite" className="mt-4" role="region" aria-label="Connection test result">
        {test.isPending ? (
          <p className="text-sm">Assuming the role and making a read call…</p>
        ) : test.isError ? (
          <ErrorNote>The test could not run: {errorText(test.error)}</ErrorNote>
        ) : test.data ? (
          test.data.ok ? (
            <div className="rounded-md bg-green-50 p-3 text-sm text-green-900 dark:bg-green-950 dark:text-green-100">
              <p className="font-medium">Connection works.</p>
              <p>
                Account {test.data.accountId ?? '—'} · {test.data.nodesVisible ?? 0} managed nodes visible ·
                tested {formatDateTime(test.data.testedAt)}
                {test.data.sessionExpiresAt
                  ? ` · session valid until ${formatDateTime(test.data.sessionExpiresAt)}`
                  : ''}
              </p>
            </div>
          ) : (
            <div className="rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
              <p className="font-medium">
                Connection failed{' '}
                {test.data.stage === 'assume-role' ? 'while assuming the role' : 'on the read call'}.
              </p>
              <p>{test.data.error}</p>
              <p className="text-xs">
                Tested {formatDateTime(test.data.testedAt)}. Fix the role or ARN, then test again.
              </p>
            </div>
          )
        ) : o.lastTestedAt ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Last tested {formatDateTime(o.lastTestedAt)}
            {o.lastError ? (
              <>
                : <span className="text-red-700 dark:text-red-300">{o.lastError}</span>
              </>
            ) : (
              ': it worked.'
            )}
          </p>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Not tested yet.</p>
        )}
      </div>
    </Card>
  );
}

function Activations({
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
            <ErrorNote>
              Could not list activations: {errorText(list.error)}{' '}
              <button type="button" className="underline" onClick={() => void list.refetch()}>
                Try again
              </button>
            </ErrorNote>
          ) : list.data.length === 0 ? (
            <EmptyState title="No activations">
              {canManage ? 'Create one, then run the install command on each server.' : null}
            </EmptyState>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Hybrid activations</caption>
                <thead className="text-xs text-zinc-500 dark:text-zinc-400">
                  <tr>
                    <th scope="col" className="py-1 pr-2 font-normal">
                      Activation
                    </th>
                    <th scope="col" className="py-1 pr-2 font-normal">
                      Site
                    </th>
                    <th scope="col" className="py-1 pr-2 font-normal">
                      Created by
                    </th>
                    <th scope="col" className="py-1 pr-2 font-normal">
                      Registrations
                    </th>
                    <th scope="col" className="py-1 pr-2 font-normal">
                      Expires
                    </th>
                    <th scope="col" className="py-1" />
                  </tr>
                </thead>
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

function Nodes({
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
  const list = useQuery(trpc.aws.nodes.list.queryOptions({ companyId: company.id }));
  const sync = useMutation(
    trpc.aws.nodes.sync.mutationOptions({
      onSuccess: () =>
        qc.invalidateQueries({ queryKey: trpc.aws.nodes.list.queryKey({ companyId: company.id }) }),
    }),
  );
  const syncedAt = list.data?.[0]?.syncedAt;
  return (
    <Card>
      <SectionTitle
        aside={
          canManage && connected ? (
            <Button
              variant="secondary"
              onClick={() => sync.mutate({ companyId: company.id })}
              disabled={sync.isPending}
            >
              {sync.isPending ? 'Syncing…' : 'Sync nodes'}
            </Button>
          ) : null
        }
      >
        Managed nodes
      </SectionTitle>
      <div aria-live="polite" className="mb-2">
        {sync.isSuccess ? (
          <LiveNote>
            Synced {sync.data.count} nodes at {formatDateTime(sync.data.syncedAt)}.
          </LiveNote>
        ) : null}
        {sync.isError ? <ErrorNote>Sync failed: {errorText(sync.error)}</ErrorNote> : null}
      </div>
      {list.isPending ? (
        <Skeleton className="h-24" />
      ) : list.isError ? (
        <ErrorNote>
          Could not load nodes: {errorText(list.error)}{' '}
          <button type="button" className="underline" onClick={() => void list.refetch()}>
            Try again
          </button>
        </ErrorNote>
      ) : list.data.length === 0 ? (
        <EmptyState title="No managed nodes yet">
          {connected
            ? 'Install the agent with a hybrid activation, or give EC2 instances the SSM instance profile, then sync.'
            : 'Connect AWS first; EC2 instances and registered servers then appear here after a sync.'}
        </EmptyState>
      ) : (
        <>
          <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">
            Last synced {formatDateTime(syncedAt)}
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Managed nodes</caption>
              <thead className="text-xs text-zinc-500 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="py-1 pr-2 font-normal">
                    Node
                  </th>
                  <th scope="col" className="py-1 pr-2 font-normal">
                    Ping
                  </th>
                  <th scope="col" className="py-1 pr-2 font-normal">
                    Platform
                  </th>
                  <th scope="col" className="py-1 pr-2 font-normal">
                    Agent
                  </th>
                  <th scope="col" className="py-1 pr-2 font-normal">
                    Last ping
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((n) => (
                  <tr key={n.id} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-2 pr-2">
                      <div>{n.name ?? '—'}</div>
                      <div className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
                        {n.instanceId} {n.isHybrid ? '· on-prem' : '· EC2'}
                        {n.ipAddress ? ` · ${n.ipAddress}` : ''}
                      </div>
                    </td>
                    <td className="py-2 pr-2">
                      <Badge
                        tone={
                          n.pingStatus === 'Online'
                            ? 'green'
                            : n.pingStatus === 'ConnectionLost'
                              ? 'red'
                              : 'zinc'
                        }
                      >
                        {n.pingStatus}
                      </Badge>
                    </td>
                    <td className="py-2 pr-2">{n.platformName ?? n.platformType ?? '—'}</td>
                    <td className="py-2 pr-2 font-mono text-xs">{n.agentVersion ?? '—'}</td>
                    <td className="py-2 pr-2">{formatDateTime(n.lastPingAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}
