import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import type { Role } from '@aw/core/domain';
import { serverApi } from '~/server/caller';
import { CorrelationSettings } from './correlation-settings';

export const metadata: Metadata = { title: 'Correlation settings' };

export default async function CorrelationPage() {
  const me = await (await serverApi()).viewer.me();
  return (
    <>
      <PageHeader
        title="Correlation"
        description="How alerts of a company are grouped into incidents. Try a change on past alerts with the backtest before you save it."
      />
      <CorrelationSettings role={me.role as Role} myCompanyId={me.companyId} now={Date.now()} />
    </>
  );
}
