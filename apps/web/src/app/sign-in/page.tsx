import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentViewer } from '~/server/caller';
import { safeNext } from '~/server/safe-next';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ reset?: string; next?: string }>;
}) {
  const { reset, next: rawNext } = await searchParams;
  const next = safeNext(rawNext);
  // A session whose membership was removed must not bounce back to the dashboard.
  if (await currentViewer()) redirect(next);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Alert Whisperer</h1>
        <p className="mb-6 mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Sign in to your MSP or client workspace.
        </p>
        {reset ? (
          <p
            role="status"
            className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-900 dark:bg-green-950 dark:text-green-100"
          >
            Password changed. Sign in with the new one.
          </p>
        ) : null}
        <SignInForm next={next === '/dashboard' ? undefined : next} />
        <div className="mt-6 flex justify-between text-sm">
          <Link href="/forgot-password" className="underline">
            Forgot password?
          </Link>
          <Link href="/sign-up" className="underline">
            Create an MSP workspace
          </Link>
        </div>
      </div>
    </main>
  );
}
