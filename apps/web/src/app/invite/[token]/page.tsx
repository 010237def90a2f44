import { describeInvitation } from '@aw/accounts';
import { getDb } from '@aw/db';
import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthCard } from '~/components/ui';
import { AcceptForm } from './form';

export const metadata: Metadata = { title: 'Accept invitation' };
export const dynamic = 'force-dynamic';

const roleNames: Record<string, string> = {
  OWNER: 'an owner',
  ADMIN: 'an admin',
  TECHNICIAN: 'a technician',
  CLIENT_ADMIN: 'a client admin',
  CLIENT_VIEWER: 'a client viewer',
};

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const inv = await describeInvitation(getDb(), token);
  if (!inv) {
    return (
      <AuthCard
        title="This invitation cannot be used"
        subtitle="It is invalid, expired or was already accepted."
      >
        <p className="text-sm">
          Ask the person who invited you for a new link, or{' '}
          <Link href="/sign-in" className="underline">
            sign in
          </Link>
          .
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title={`Join ${inv.companyName ?? inv.mspName}`}
      subtitle={`${inv.mspName} invited you as ${roleNames[inv.role]}${inv.companyName ? ` of ${inv.companyName}` : ''}.`}
    >
      <AcceptForm token={token} email={inv.email} hasAccount={inv.hasAccount} />
    </AuthCard>
  );
}
