import { getRoot } from '~/server/composition';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Button } from '~/components/ui';
import { auth } from '~/server/auth';
import { AcceptButton } from './accept-button';
import { switchAccountAction } from './actions';
import { InvitationCard } from './invitation-card';

export const metadata: Metadata = { title: 'Accept invitation' };
export const dynamic = 'force-dynamic';

/**
 * Signed out, this page is the same whether or not the invited address has an account: it offers
 * signing in and creating an account, and has no password field of its own. Signed in as the
 * invited address, it offers to accept; signed in as someone else, to switch accounts.
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const session = await auth();
  const me = session?.user?.id
    ? await getRoot().prisma.user.findUnique({ where: { id: session.user.id }, select: { email: true } })
    : null;
  const here = `/invite/${token}`;
  return (
    <InvitationCard token={token}>
      {(inv) =>
        me?.email === inv.email ? (
          <AcceptButton token={token} email={inv.email} />
        ) : me ? (
          <form action={switchAccountAction.bind(null, token)} className="space-y-4 text-sm">
            <p>
              You are signed in as {me.email}. This invitation is for {inv.email}: sign out, then sign in with
              that address or create its account.
            </p>
            <Button type="submit" className="w-full">
              Sign out
            </Button>
          </form>
        ) : (
          <div className="space-y-4 text-sm">
            <p>To accept, sign in as {inv.email}, or create an account for that address if you have none.</p>
            <Link
              href={`/sign-in?next=${encodeURIComponent(here)}`}
              className="block rounded-md bg-indigo-600 px-3 py-2 text-center font-semibold text-white hover:bg-indigo-500"
            >
              Sign in to accept
            </Link>
            <Link
              href={`${here}/new`}
              className="block rounded-md border px-3 py-2 text-center font-semibold"
            >
              Create an account
            </Link>
          </div>
        )
      }
    </InvitationCard>
  );
}
