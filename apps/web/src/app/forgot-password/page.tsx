import { requestPasswordReset } from '@aw/accounts';
import { getRoot } from '~/server/composition';
import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthCard, Button, Field } from '~/components/ui';
import { appBaseUrl, backgroundMailer } from '~/server/mail';

export const metadata: Metadata = { title: 'Reset password' };

export default async function ForgotPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ sent?: string }>;
}) {
  const { sent } = await searchParams;
  async function request(form: FormData) {
    'use server';
    await requestPasswordReset(getRoot().prisma, String(form.get('email') ?? ''), {
      mailer: backgroundMailer(),
      baseUrl: appBaseUrl(),
    });
    redirect('/forgot-password?sent=1');
  }
  return (
    <AuthCard
      title="Reset your password"
      subtitle="We send a single-use link, valid for 30 minutes."
      footer={
        <Link href="/sign-in" className="underline">
          Back to sign in
        </Link>
      }
    >
      {sent ? (
        <p role="status" className="text-sm">
          If an account exists for that email, a reset link is on its way. (On the embedded default it is
          printed on the server console.)
        </p>
      ) : (
        <form action={request} className="space-y-4">
          <Field id="email" label="Email" type="email" required autoComplete="email" />
          <Button type="submit" className="w-full">
            Send reset link
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
