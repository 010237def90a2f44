import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import type { Role } from '@aw/core/domain';
import { serverApi } from '~/server/caller';
import { KeysSettings } from './keys-settings';

export const metadata: Metadata = { title: 'API keys & signing' };

export default async function KeysPage() {
  const me = await (await serverApi()).viewer.me();
  return (
    <>
      <PageHeader
        title="API keys and signing"
        description="Keys that let your monitoring send alerts, the HMAC signing secret, and mappings for custom payloads."
      />
      <KeysSettings role={me.role as Role} myCompanyId={me.companyId} />
    </>
  );
}
