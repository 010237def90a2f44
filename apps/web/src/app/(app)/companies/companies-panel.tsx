'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Skeleton } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

const stepLabel: Record<string, string> = {
  profile: 'Profile',
  keys: 'API key',
  aws: 'AWS',
  test: 'Test alert',
  done: 'Onboarded',
};

export function CompaniesPanel({ canCreate }: { canCreate: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const companies = useQuery(trpc.company.list.queryOptions());
  const create = useMutation(
    trpc.company.create.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.company.list.queryKey() }),
    }),
  );
  const invite = useMutation(trpc.members.invite.mutationOptions());
  const [inviteFor, setInviteFor] = useState<string | null>(null);

  return (
    <div className="space-y-6">
      {canCreate ? (
        <Card>
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              const form = e.currentTarget;
              create.mutate(
                { name: String(new FormData(form).get('companyName')) },
                { onSuccess: () => form.reset() },
              );
            }}
          >
            <div className="min-w-64 flex-1">
              <Field
                id="companyName"
                label="New client company"
                placeholder="e.g. Contoso Ltd"
                required
                minLength={2}
              />
            </div>
            <Button type="submit" disabled={create.isPending}>
              Add company
            </Button>
          </form>
          {create.isError ? <ErrorNote>{create.error.message}</ErrorNote> : null}
        </Card>
      ) : null}

      {companies.isPending ? (
        <Skeleton className="h-32" />
      ) : companies.isError ? (
        <ErrorNote>Could not load companies: {companies.error.message}</ErrorNote>
      ) : companies.data.length === 0 ? (
        <EmptyState title="No client companies yet">
          Add one above, then invite its admin to onboard.
        </EmptyState>
      ) : (
        <ul className="space-y-3" aria-label="Client companies">
          {companies.data.map((c) => (
            <li key={c.id}>
              <Card>
                <div className="flex flex-wrap items-center gap-3">
                  <h2 className="font-medium">{c.name}</h2>
                  <Badge tone={c.onboardingDoneAt ? 'green' : 'amber'}>
                    {c.onboardingDoneAt
                      ? 'Onboarded'
                      : `Onboarding: ${stepLabel[c.onboardingStep] ?? c.onboardingStep}`}
                  </Badge>
                  {c.simulated ? <Badge tone="amber">simulated AWS account</Badge> : null}
                  {c.webhookOnly ? <Badge>webhook only</Badge> : null}
                  <span className="text-sm text-zinc-600 dark:text-zinc-400">
                    {c.openIncidents} open · {c.alerts} alerts
                  </span>
                  <div className="ml-auto flex gap-2">
                    <Link
                      href={`/companies/${c.id}/onboarding`}
                      className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                    >
                      Onboarding &amp; keys
                    </Link>
                    {canCreate ? (
                      <Button
                        variant="secondary"
                        onClick={() => setInviteFor(inviteFor === c.id ? null : c.id)}
                      >
                        Invite client admin
                      </Button>
                    ) : null}
                  </div>
                </div>
                {inviteFor === c.id ? (
                  <form
                    className="mt-3 flex flex-wrap items-end gap-3"
                    onSubmit={(e) => {
                      e.preventDefault();
                      invite.mutate({
                        email: String(new FormData(e.currentTarget).get(`invite-${c.id}`)),
                        role: 'CLIENT_ADMIN',
                        companyId: c.id,
                      });
                    }}
                  >
                    <div className="min-w-64 flex-1">
                      <Field
                        id={`invite-${c.id}`}
                        label={`Client admin email for ${c.name}`}
                        type="email"
                        required
                      />
                    </div>
                    <Button type="submit" disabled={invite.isPending}>
                      Send invitation
                    </Button>
                    {invite.isError ? <ErrorNote>{invite.error.message}</ErrorNote> : null}
                    {invite.data ? (
                      <p className="w-full text-sm" role="status">
                        Invitation mailed to {invite.data.email}. The single-use link goes only to that
                        mailbox.
                      </p>
                    ) : null}
                  </form>
                ) : null}
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
