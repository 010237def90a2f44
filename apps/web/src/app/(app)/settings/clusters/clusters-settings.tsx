'use client';

import { ClusterList } from '~/components/clusters/cluster-list';
import { KubernetesInstall } from '~/components/clusters/kubernetes-install';
import { Card } from '~/components/ui';
import type { Role } from '@aw/core/domain';
import { CompanyScopedPage } from '~/components/company-scope';
import { SectionTitle } from '~/components/ui-extra';

export function ClustersSettings({
  role,
  myCompanyId,
  origin,
}: {
  role: Role;
  myCompanyId: string | null;
  origin: string;
}) {
  const canManage = ['OWNER', 'ADMIN', 'CLIENT_ADMIN'].includes(role);
  return (
    <CompanyScopedPage role={role} myCompanyId={myCompanyId} id="clusters-company">
      {(company) => (
        <div key={company.id} className="space-y-4">
          <Card>
            <SectionTitle>Clusters</SectionTitle>
            <ClusterList companyId={company.id} />
          </Card>
          <Card>
            <SectionTitle>Add a cluster</SectionTitle>
            <KubernetesInstall companyId={company.id} origin={origin} readOnly={!canManage} />
          </Card>
        </div>
      )}
    </CompanyScopedPage>
  );
}
