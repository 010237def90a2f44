import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import { isClientRole, type Role } from '@aw/core/domain';
import { serverApi } from '~/server/caller';
import { KpiPanel } from './kpi-panel';

export const metadata: Metadata = { title: 'KPIs' };

export default async function KpisPage() {
  const me = await (await serverApi()).viewer.me();
  const isClient = isClientRole(me.role);
  return (
    <>
      <PageHeader
        title="KPIs"
        description={
          isClient
            ? 'How much noise correlation removes for your company, and how fast incidents are resolved.'
            : 'Noise reduction and time to resolve across your client companies, or for one of them.'
        }
      />
      <KpiPanel role={me.role as Role} myCompanyId={me.companyId} now={Date.now()} />
    </>
  );
}
