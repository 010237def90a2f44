import { can } from '@aw/core/permissions';
import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import { currentViewer } from '~/server/caller';
import { CompaniesPanel } from './companies-panel';

export const metadata: Metadata = { title: 'Companies' };

export default async function CompaniesPage() {
  const me = (await currentViewer())!;
  return (
    <>
      <PageHeader
        title="Client companies"
        description="Each company onboards itself: keys, AWS access and a first test alert."
      />
      <CompaniesPanel canCreate={can(me.role, 'company.create')} />
    </>
  );
}
