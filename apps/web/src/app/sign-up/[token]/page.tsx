import { readEnv } from '@aw/config';
import { readSignUpToken } from '@aw/accounts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthCard } from '~/components/ui';
import { FinishSignUpForm } from './form';

export const metadata: Metadata = { title: 'Finish creating your MSP workspace' };
export const dynamic = 'force-dynamic';

export default async function FinishSignUpPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const request = readSignUpToken(token, readEnv(['AUTH_SECRET']).AUTH_SECRET ?? '');
  if (!request) {
    return (
      <AuthCard title="This sign-up link cannot be used" subtitle="It is invalid or expired.">
        <p className="text-sm">
          <Link href="/sign-up" className="underline">
            Start again
          </Link>{' '}
          or{' '}
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
      title={`Create ${request.mspName}`}
      subtitle={`Choose the password for ${request.email}, the workspace's owner.`}
    >
      <FinishSignUpForm token={token} />
    </AuthCard>
  );
}
