import type { Metadata } from 'next';
import { AuthCard } from '~/components/ui';
import { ResetForm } from './form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <AuthCard title="Choose a new password">
      <ResetForm token={token} />
    </AuthCard>
  );
}
