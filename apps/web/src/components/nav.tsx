'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cx } from './ui';

export interface NavItem {
  href: string;
  label: string;
}

export function MainNav({ items, label = 'Main' }: { items: NavItem[]; label?: string }) {
  const path = usePathname();
  return (
    <nav aria-label={label} className="flex flex-wrap gap-1 text-sm">
      {items.map((i) => {
        const active = path === i.href || path.startsWith(`${i.href}/`);
        return (
          <Link
            key={i.href}
            href={i.href}
            aria-current={active ? 'page' : undefined}
            className={cx(
              'rounded-md px-2 py-1',
              active
                ? 'bg-zinc-100 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100'
                : 'text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800',
            )}
          >
            {i.label}
          </Link>
        );
      })}
    </nav>
  );
}
