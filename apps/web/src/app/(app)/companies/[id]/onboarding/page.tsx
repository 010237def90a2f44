import { can } from '@aw/core/permissions';
import type { Metadata } from 'next';
import { currentViewer } from '~/server/caller';
import { appBaseUrl } from '~/server/mail';
import { OnboardingWizard } from './wizard';

export const metadata: Metadata = { title: 'Onboarding' };

export default async function OnboardingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const me = (await currentViewer())!;
  return (
    <OnboardingWizard
      companyId={id}
      baseUrl={appBaseUrl()}
      readOnly={!can(me.role, 'company.onboarding.update')}
    />
  );
}
