'use client';

// The compliance page: MSP staff pick a company or "All companies" (the MSP-wide ranking); client
// people always see their own company, read-only.
import { isClientRole, type Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { CompanyPicker, useCompanyScope } from '~/components/company-scope';
import { Card, ErrorNote, Skeleton } from '~/components/ui';
import { CompanyView } from './company-view';
import { MspView } from './msp-view';

export function CompliancePanel({ role, myCompanyId }: { role: Role; myCompanyId: string | null }) {
  const isClient = isClientRole(role);
  const scope = useCompanyScope({ myCompanyId, allowAll: !isClient });
  let body;
  if (scope.companies.isPending) body = <Skeleton className="h-64" />;
  else if (scope.companies.isError) body = <ErrorNote>Could not load your companies.</ErrorNote>;
  else if (scope.selectedId)
    body = (
      <CompanyView
        key={scope.selectedId}
        companyId={scope.selectedId}
        canSync={can(role, 'compliance.sync')}
        canConfigure={can(role, 'compliance.configure')}
      />
    );
  else body = <MspView onPick={(id) => scope.select(id)} />;
  return (
    <div className="space-y-6">
      <Card>
        <CompanyPicker scope={scope} isClient={isClient} allowAll={!isClient} id="compliance-company" />
      </Card>
      {body}
    </div>
  );
}
