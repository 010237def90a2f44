'use client';

// The correlation page of one company: its settings form and a backtest of a candidate.
import { isStaffRole, type Role } from '@aw/core/domain';
import { useQuery } from '@tanstack/react-query';
import { ErrorNote, Skeleton } from '~/components/ui';
import { CompanyGate, CompanyPicker, type ScopedCompany, useCompanyScope } from '~/components/company-scope';
import { dimDisabled } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';
import { ConfigForm } from './config-form';
import { SituationForm } from './situation-form';

export function CorrelationSettings({
  role,
  myCompanyId,
  now,
}: {
  role: Role;
  myCompanyId: string | null;
  now: number;
}) {
  const scope = useCompanyScope({ myCompanyId });
  return (
    <div className={`space-y-6 ${dimDisabled}`}>
      <CompanyPicker scope={scope} isClient={!isStaffRole(role)} id="correlation-company" />
      <CompanyGate scope={scope}>
        {(company) => <CompanyCorrelation key={company.id} company={company} role={role} now={now} />}
      </CompanyGate>
    </div>
  );
}

function CompanyCorrelation({ company, role, now }: { company: ScopedCompany; role: Role; now: number }) {
  const trpc = useTRPC();
  const config = useQuery(trpc.correlation.config.queryOptions({ companyId: company.id }));
  if (config.isPending)
    return (
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0" aria-busy="true" aria-label="Loading settings">
        <Skeleton className="h-96" />
        <Skeleton className="h-96" />
      </div>
    );
  if (config.isError)
    return (
      <ErrorNote>
        Could not load the correlation settings: {errorText(config.error)}.{' '}
        <button type="button" className="underline" onClick={() => void config.refetch()}>
          Try again
        </button>
      </ErrorNote>
    );
  return (
    <div className="space-y-6">
      <ConfigForm company={company} current={config.data} role={role} now={now} />
      <SituationForm companyId={company.id} role={role} now={now} />
    </div>
  );
}
