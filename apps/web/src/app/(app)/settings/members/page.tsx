import { isStaffRole } from '@aw/core/domain';
import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import { serverApi } from '~/server/caller';
import { MembersPanel } from './members-panel';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage() {
  const me = await (await serverApi()).viewer.me();
  const isStaff = isStaffRole(me.role);
  return (
    <>
      <PageHeader
        title="Members and roles"
        description={
          isStaff
            ? 'Technicians and admins of your MSP, and the people of your client companies.'
            : 'The people of your company who can use Alert Whisperer.'
        }
      />
      <MembersPanel isStaff={isStaff} myCompanyId={me.companyId} />
    </>
  );
}
