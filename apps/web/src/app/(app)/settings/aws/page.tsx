import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import type { Role } from '@aw/core/domain';
import { serverApi } from '~/server/caller';
import { AwsSettings } from './aws-settings';

export const metadata: Metadata = { title: 'AWS & nodes' };

export default async function AwsPage() {
  const me = await (await serverApi()).viewer.me();
  return (
    <>
      <PageHeader
        title="AWS connection and managed nodes"
        description="A cross-account role with a per-company External ID (no long-lived keys), hybrid activations for on-prem servers, and the nodes Systems Manager sees."
      />
      <AwsSettings role={me.role as Role} myCompanyId={me.companyId} />
    </>
  );
}
