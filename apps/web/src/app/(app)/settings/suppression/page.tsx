import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import type { Role } from '@aw/core/domain';
import { serverApi } from '~/server/caller';
import { SuppressionSettings } from './suppression-settings';

export const metadata: Metadata = { title: 'Maintenance & silences' };

export default async function SuppressionPage() {
  const me = await (await serverApi()).viewer.me();
  return (
    <>
      <PageHeader
        title="Maintenance, silences and inhibition"
        description="Alerts that match are still stored and counted, but they do not open incidents."
      />
      <SuppressionSettings role={me.role as Role} myCompanyId={me.companyId} />
    </>
  );
}
