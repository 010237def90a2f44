'use client';

// The maintenance, silences and inhibition page of one company: one file per section beside this one.
import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { CompanyScopedPage, type ScopedCompany } from '~/components/company-scope';
import { ReadOnlyNote } from '~/components/ui-extra';
import { InhibitionSection } from './inhibition-section';
import { MaintenanceSection } from './maintenance-section';
import { SilenceSection } from './silence-section';

export function SuppressionSettings({ role, myCompanyId }: { role: Role; myCompanyId: string | null }) {
  return (
    <CompanyScopedPage role={role} myCompanyId={myCompanyId} id="suppression-company">
      {(company) => <CompanySuppression key={company.id} company={company} role={role} />}
    </CompanyScopedPage>
  );
}

function CompanySuppression({ company, role }: { company: ScopedCompany; role: Role }) {
  const canEdit = can(role, 'silence.manage');
  return (
    <div className="space-y-6">
      {!canEdit ? <ReadOnlyNote /> : null}
      <MaintenanceSection company={company} canEdit={canEdit} />
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <SilenceSection company={company} canEdit={canEdit} />
        <InhibitionSection company={company} canEdit={canEdit} />
      </div>
    </div>
  );
}
