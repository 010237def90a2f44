import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import type { Role } from '@aw/core/domain';
import { serverApi } from '~/server/caller';
import { appBaseUrl } from '~/server/mail';
import { ClustersSettings } from './clusters-settings';

export const metadata: Metadata = { title: 'Clusters' };

export default async function ClustersPage() {
  const me = await (await serverApi()).viewer.me();
  return (
    <>
      <PageHeader
        title="Kubernetes clusters"
        description="Clusters running the Alert Whisperer operator: when each last reported in, its queue of undelivered alerts and its version."
      />
      <ClustersSettings role={me.role as Role} myCompanyId={me.companyId} origin={appBaseUrl()} />
    </>
  );
}
