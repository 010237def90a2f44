import { isStaffRole } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import type { Metadata } from 'next';
import { currentViewer, serverApi } from '~/server/caller';
import { CompanySummary } from './company-summary';
import { IncidentBoard } from './incident-board';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const [me, api] = await Promise.all([currentViewer(), serverApi()]);
  const companies = await api.company.list();
  const isStaff = isStaffRole(me!.role);
  return (
    <div className="space-y-6">
      <CompanySummary initial={companies} isStaff={isStaff} />
      <IncidentBoard isStaff={isStaff} canAct={can(me!.role, 'incident.acknowledge')} />
    </div>
  );
}
