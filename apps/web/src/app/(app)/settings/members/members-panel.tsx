'use client';

import { isClientRole, type Role } from '@aw/core/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Select, Skeleton } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

const roleLabel: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  TECHNICIAN: 'Technician',
  CLIENT_ADMIN: 'Client admin',
  CLIENT_VIEWER: 'Client viewer',
};

export function MembersPanel({ isStaff, myCompanyId }: { isStaff: boolean; myCompanyId: string | null }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const members = useQuery(trpc.members.list.queryOptions());
  const companies = useQuery(trpc.company.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
  const invite = useMutation(trpc.members.invite.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.members.revokeInvitation.mutationOptions({ onSuccess: refresh }));
  const [role, setRole] = useState<Role>(isStaff ? 'TECHNICIAN' : 'CLIENT_VIEWER');
  const clientRole = isClientRole(role);
  const roles: Role[] = isStaff
    ? ['TECHNICIAN', 'ADMIN', 'OWNER', 'CLIENT_ADMIN', 'CLIENT_VIEWER']
    : ['CLIENT_VIEWER', 'CLIENT_ADMIN'];

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <h2 className="mb-3 font-medium">Members</h2>
        {members.isPending ? (
          <div className="space-y-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </div>
        ) : members.isError ? (
          <ErrorNote>Could not load members: {members.error.message}</ErrorNote>
        ) : members.data.members.length === 0 ? (
          <EmptyState title="No members yet" />
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-zinc-500 dark:text-zinc-400">
              <tr>
                <th className="py-1 font-normal">Person</th>
                <th className="py-1 font-normal">Role</th>
                <th className="py-1 font-normal">Company</th>
                <th className="py-1" />
              </tr>
            </thead>
            <tbody>
              {members.data.members.map((m) => (
                <tr key={m.id} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="py-2">
                    <div>{m.name}</div>
                    <div className="text-xs text-zinc-500 dark:text-zinc-400">{m.email}</div>
                  </td>
                  <td>
                    <Badge tone={isClientRole(m.role) ? 'amber' : 'indigo'}>
                      {roleLabel[m.role as Role]}
                    </Badge>
                  </td>
                  <td>{m.company ?? '—'}</td>
                  <td className="text-right">
                    <Button
                      variant="ghost"
                      aria-label={`Remove ${m.email}`}
                      onClick={() => {
                        if (confirm(`Remove ${m.email}? Their access ends immediately.`))
                          remove.mutate({ membershipId: m.id });
                      }}
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {remove.isError ? <ErrorNote>{remove.error.message}</ErrorNote> : null}
        {members.data && members.data.invitations.length > 0 ? (
          <>
            <h3 className="mb-2 mt-6 text-sm font-medium">Pending invitations</h3>
            <ul className="space-y-1 text-sm">
              {members.data.invitations.map((i) => (
                <li key={i.id} className="flex items-center justify-between gap-2">
                  <span>
                    {i.email} · {roleLabel[i.role as Role]}
                    {i.company ? ` · ${i.company.name}` : ''} · expires{' '}
                    {new Date(i.expiresAt).toLocaleDateString()}
                  </span>
                  <Button variant="ghost" onClick={() => revoke.mutate({ invitationId: i.id })}>
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Card>
      <Card>
        <h2 className="mb-3 font-medium">Invite someone</h2>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            invite.mutate({
              email: String(f.get('inviteEmail')),
              role,
              companyId: clientRole ? String(f.get('companyId') ?? myCompanyId) : null,
            });
          }}
        >
          <Field id="inviteEmail" label="Email" type="email" required />
          <Select id="role" label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel[r]}
              </option>
            ))}
          </Select>
          {clientRole && isStaff ? (
            <Select id="companyId" label="Company" required>
              {(companies.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          ) : null}
          <Button type="submit" disabled={invite.isPending}>
            Send invitation
          </Button>
          {invite.isError ? <ErrorNote>{invite.error.message}</ErrorNote> : null}
          {invite.data ? (
            <p className="text-sm" role="status">
              Invitation mailed to {invite.data.email}. The single-use link (valid 7 days) goes only to that
              mailbox.
            </p>
          ) : null}
        </form>
      </Card>
    </div>
  );
}
