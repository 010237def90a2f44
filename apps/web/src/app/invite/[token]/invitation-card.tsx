import { describeInvitation } from '@aw/accounts';
import { getRoot } from '~/server/composition';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { AuthCard } from '~/components/ui';

const roleNames: Record<string, string> = {
  OWNER: 'an owner',
  ADMIN: 'an admin',
  TECHNICIAN: 'a technician',
  CLIENT_ADMIN: 'a client admin',
  CLIENT_VIEWER: 'a client viewer',
};

export type TInvitation = NonNullable<Awaited<ReturnType<typeof describeInvitation>>>;

/** Loads an open invitation and frames the page, or shows why the link cannot be used. */
export async function InvitationCard({
  token,
  children,
}: {
  token: string;
  children: (inv: TInvitation) => ReactNode;
}) {
  const inv = await describeInvitation(getRoot().prisma, token);
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
      subtitle={`${inv.mspName} invited ${inv.email} as ${roleNames[inv.role]}${inv.companyName ? ` of ${inv.companyName}` : ''}.`}
    >
      {children(inv)}
    </AuthCard>
  );
}
