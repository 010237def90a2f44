import type { Metadata } from 'next';
import { InvitationCard } from '../invitation-card';
import { NewAccountForm } from './form';

export const metadata: Metadata = { title: 'Create your account' };
export const dynamic = 'force-dynamic';

export default async function NewAccountPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <InvitationCard token={token}>
      {(inv) => <NewAccountForm token={token} email={inv.email} />}
    </InvitationCard>
  );
}
