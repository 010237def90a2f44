import { isStaffRole } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import type { Metadata } from 'next';
import { currentViewer } from '~/server/caller';
import { IncidentDetail } from './incident-detail';

export const metadata: Metadata = { title: 'Incident' };

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const me = (await currentViewer())!;
  return (
    <IncidentDetail id={id} canAct={can(me.role, 'incident.acknowledge')} isStaff={isStaffRole(me.role)} />
  );
}
