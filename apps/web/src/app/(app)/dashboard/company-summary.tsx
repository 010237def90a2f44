'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge, PageHeader } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '~/server/root';

type Companies = inferRouterOutputs<AppRouter>['company']['list'];

/** Header counts and company chips; refetched by the incident board when live events arrive. */
export function CompanySummary({ initial, isStaff }: { initial: Companies; isStaff: boolean }) {
  const trpc = useTRPC();
  const { data: companies = initial } = useQuery({
    ...trpc.company.list.queryOptions(),
    initialData: initial,
  });
  const open = companies.reduce((n, c) => n + c.openIncidents, 0);
  const alerts = companies.reduce((n, c) => n + c.alerts, 0);
  return (
    <>
      <PageHeader
        title={isStaff ? 'Incidents' : `${companies[0]?.name ?? 'Your company'}: incidents`}
        description={`${open} open incident${open === 1 ? '' : 's'} from ${alerts} alert${alerts === 1 ? '' : 's'} across ${companies.length} compan${companies.length === 1 ? 'y' : 'ies'}.`}
      />
      {companies.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-8 text-center text-sm dark:border-zinc-700">
          No client companies yet.{' '}
          <Link href="/companies" className="underline">
            Add a company
          </Link>{' '}
          and invite its admin to start onboarding.
        </p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label="Companies">
          {companies.map((c) => (
            <li
              key={c.id}
              className="flex items-center gap-2 rounded-full border border-zinc-200 bg-white px-3 py-1 text-sm dark:border-zinc-800 dark:bg-zinc-900"
            >
              <span>{c.name}</span>
              <Badge tone={c.openIncidents ? 'red' : 'green'}>{c.openIncidents} open</Badge>
              {c.simulated ? <Badge tone="amber">simulated AWS</Badge> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
