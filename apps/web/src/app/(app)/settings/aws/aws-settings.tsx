'use client';

// The AWS page of one company: one file per section beside this one.
import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { EmptyState, Skeleton } from '~/components/ui';
import { CompanyScopedPage, type ScopedCompany, SimulatedBadge } from '~/components/company-scope';
import { ReadOnlyNote } from '~/components/ui-extra';
import { LoadError } from '~/components/load-state';
import { useTRPC } from '~/trpc/react';
import { Activations } from './activations-section';
import { Connection } from './connection-section';
import { Nodes } from './nodes-section';
import { RoleSetup } from './role-setup';

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
      <LoadError
        what="the AWS connection"
        error={availability.error}
        retry={() => void availability.refetch()}
      />
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
      <LoadError what="the AWS connection" error={onboarding.error} retry={() => void onboarding.refetch()} />
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
