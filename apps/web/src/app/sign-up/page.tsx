import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthCard } from '~/components/ui';
import { SignUpForm } from './form';

export const metadata: Metadata = { title: 'Create your MSP workspace' };

export default function SignUpPage() {
  return (
    <AuthCard
      title="Create your MSP workspace"
      subtitle="You become its owner and can invite technicians and client companies."
      footer={
        <>
          Already have an account?{' '}
          <Link href="/sign-in" className="underline">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm />
    </AuthCard>
  );
}
