import type { Metadata } from 'next';
import type { Role } from '@aw/core/domain';
import { PageHeader } from '~/components/ui';
import { serverApi } from '~/server/caller';
import { CompliancePanel } from './compliance-panel';

export const metadata: Metadata = { title: 'Patch compliance' };

export default async function CompliancePage() {
  const me = await (await serverApi()).viewer.me();
  return (
    <>
      <PageHeader
        title="Patch compliance"
        description="How patched each fleet is, from AWS Systems Manager Patch Manager: synced every 6 hours by default, with a 30-day trend."
      />
      <CompliancePanel role={me.role as Role} myCompanyId={me.companyId} />
    </>
  );
}
