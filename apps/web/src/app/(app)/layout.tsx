import { isClientRole } from '@aw/core/domain';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { signOut } from '~/server/auth';
import { MainNav, type NavItem } from '~/components/nav';
import { ThemeToggle } from '~/components/theme-toggle';
import { currentViewer } from '~/server/caller';

export const dynamic = 'force-dynamic';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const me = await currentViewer();
  if (!me) redirect('/sign-in');
  const nav: NavItem[] = [
    { href: '/dashboard', label: 'Dashboard' },
    { href: '/companies', label: isClientRole(me.role) ? 'My company' : 'Companies' },
    { href: '/kpis', label: 'KPIs' },
    { href: '/compliance', label: 'Compliance' },
    { href: '/settings', label: 'Settings' },
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
          <Link href="/dashboard" className="font-semibold">
            Alert Whisperer
          </Link>
          <span className="text-sm text-zinc-500 dark:text-zinc-400">{me.msp.name}</span>
          <MainNav items={nav} />
          <div className="ml-auto flex items-center gap-3 text-sm">
            <ThemeToggle />
            <span>
              {me.user.name}{' '}
              <span className="text-zinc-500 dark:text-zinc-400">
                ({me.role.replace('_', ' ').toLowerCase()})
              </span>
            </span>
            <form
              action={async () => {
                'use server';
                await signOut({ redirectTo: '/sign-in' });
              }}
            >
              <button
                type="submit"
                className="rounded-md border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              >
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
