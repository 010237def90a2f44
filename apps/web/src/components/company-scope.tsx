'use client';

// The company a company-scoped page works on (`?company=` for MSP staff, their own for client
// people), its picker, and the frame of every company-scoped settings page.
import { isStaffRole, type Role } from '@aw/core/domain';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { ReactNode } from 'react';
import { useMounted } from '~/lib/hooks';
import { useTRPC } from '~/trpc/react';
import { Badge, EmptyState, ErrorNote, Select, Skeleton } from './ui';
import { dimDisabled } from './ui-extra';

export interface ScopedCompany {
  id: string;
  name: string;
  simulated: boolean;
  hmacRequired: boolean;
  webhookOnly: boolean;
  awsStatus: string;
}

/**
 * The company a company-scoped page works on: `?company=<id>` for MSP staff (default: the first
 * company), always their own for client people.
 */
export function useCompanyScope(opts: { myCompanyId: string | null; allowAll?: boolean }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const companies = useQuery(trpc.company.list.queryOptions());
  const requested = params.get('company');
  const list = companies.data ?? [];
  let selectedId: string | null;
  if (opts.myCompanyId) selectedId = opts.myCompanyId;
  else if (requested && list.some((c) => c.id === requested)) selectedId = requested;
  else if (opts.allowAll) selectedId = null;
  else selectedId = list[0]?.id ?? null;
  const selected = list.find((c) => c.id === selectedId) ?? null;
  const select = (id: string | null) => {
    const next = new URLSearchParams(params.toString());
    if (id) next.set('company', id);
    else next.delete('company');
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  return { companies, list, selectedId, selected, select, unknownRequested: Boolean(requested) && !selected };
}

export function CompanyPicker({
  scope,
  isClient,
  allowAll = false,
  id = 'company-picker',
}: {
  scope: ReturnType<typeof useCompanyScope>;
  isClient: boolean;
  allowAll?: boolean;
  id?: string;
}) {
  if (scope.companies.isPending) return <Skeleton className="h-10 w-60" />;
  if (isClient)
    return (
      <p className="text-sm">
        Company: <span className="font-medium">{scope.selected?.name ?? '—'}</span>
      </p>
    );
  return (
    <div className="w-full sm:w-80">
      <Select
        id={id}
        label="Company"
        value={scope.selectedId ?? ''}
        onChange={(e) => scope.select(e.target.value || null)}
      >
        {allowAll ? <option value="">All companies</option> : null}
        {scope.list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.simulated ? ' (simulated AWS)' : ''}
          </option>
        ))}
      </Select>
      {scope.unknownRequested ? (
        <p role="status" className="mt-1 text-xs text-amber-800 dark:text-amber-300">
          The company in the link is not one of yours; showing {scope.selected?.name ?? 'all companies'}{' '}
          instead.
        </p>
      ) : null}
    </div>
  );
}

/** Shared frame of a company-scoped settings page: loading, errors, "no companies yet". */
export function CompanyGate({
  scope,
  children,
}: {
  scope: ReturnType<typeof useCompanyScope>;
  children: (company: ScopedCompany) => ReactNode;
}) {
  if (scope.companies.isPending)
    return (
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-40" />
        <Skeleton className="h-40" />
      </div>
    );
  if (scope.companies.isError)
    return (
      <ErrorNote>
        Could not load your companies: {scope.companies.error.message}.{' '}
        <button type="button" className="underline" onClick={() => void scope.companies.refetch()}>
          Try again
        </button>
      </ErrorNote>
    );
  if (!scope.selected)
    return (
      <EmptyState title="No client company yet">
        Add a client company under{' '}
        <Link href="/companies" className="underline">
          Companies
        </Link>
        ; its settings appear here.
      </EmptyState>
    );
  return <>{children(scope.selected)}</>;
}

/**
 * The frame of every company-scoped settings page: the company picker (staff) or the viewer's own
 * company (client people), then the page's body for the chosen company, rendered in the browser
 * only (it reads the search parameter and the time zone).
 */
export function CompanyScopedPage({
  role,
  myCompanyId,
  id,
  children,
}: {
  role: Role;
  myCompanyId: string | null;
  id: string;
  children: (company: ScopedCompany) => ReactNode;
}) {
  const scope = useCompanyScope({ myCompanyId });
  const mounted = useMounted();
  return (
    <div className={`space-y-6 ${dimDisabled}`}>
      <CompanyPicker scope={scope} isClient={!isStaffRole(role)} id={id} />
      {mounted ? <CompanyGate scope={scope}>{children}</CompanyGate> : <Skeleton className="h-64" />}
    </div>
  );
}

export function SimulatedBadge() {
  return <Badge tone="orange">Simulated AWS account</Badge>;
}
