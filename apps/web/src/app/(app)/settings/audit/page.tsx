import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import { AuditList } from './audit-list';

export const metadata: Metadata = { title: 'Audit log' };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to members, keys, settings and incidents, newest first."
      />
      <AuditList />
    </>
  );
}
