import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import type { Role } from '@aw/core/domain';
import { serverApi } from '~/server/caller';
import { RunbookSettings } from './runbook-settings';

export const metadata: Metadata = { title: 'Runbooks' };

export default async function RunbooksPage() {
  const me = await (await serverApi()).viewer.me();
  return (
    <>
      <PageHeader
        title="Runbooks"
        description="Self-healing through AWS Systems Manager: the MSP-* documents in each company's account, the policies that run them, and the kill switch."
      />
      <RunbookSettings role={me.role as Role} myCompanyId={me.companyId} />
    </>
  );
}
