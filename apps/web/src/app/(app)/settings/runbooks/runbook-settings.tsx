'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, ErrorNote, Field, Select } from '~/components/ui';
import { isStaffRole, type Role } from '@aw/core/domain';
import { CompanyScopedPage, type ScopedCompany } from '~/components/company-scope';
import { ReadOnlyNote, SectionTitle } from '~/components/ui-extra';
import { formatDateTime } from '~/lib/format';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useTRPC } from '~/trpc/react';

const stateTone = { current: 'green', update_available: 'amber', not_installed: 'zinc' } as const;
const stateLabel = {
  current: 'Current',
  update_available: 'Update available',
  not_installed: 'Not installed',
};

export function RunbookSettings({ role, myCompanyId }: { role: Role; myCompanyId: string | null }) {
  return (
    <CompanyScopedPage role={role} myCompanyId={myCompanyId} id="runbooks-company">
      {(company) => <CompanyRunbooks company={company} role={role} />}
    </CompanyScopedPage>
  );
}

function CompanyRunbooks({ company, role }: { company: ScopedCompany; role: Role }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const staff = isStaffRole(role);
  const admin = role === 'OWNER' || role === 'ADMIN';
  const companyId = company.id;
  const docs = useQuery(trpc.runbooks.documents.list.queryOptions({ companyId }));
  const policies = useQuery(trpc.runbooks.policies.list.queryOptions({ companyId }));
  const executions = useQuery(trpc.runbooks.executions.list.queryOptions({ companyId, limit: 20 }));
  const refetch = () => void qc.invalidateQueries({ queryKey: trpc.runbooks.pathKey() });
  useRealtime((m) => {
    if (m.type === 'reset' || m.type === 'runbook.execution.updated') void executions.refetch();
  });
  const install = useMutation(trpc.runbooks.documents.install.mutationOptions({ onSuccess: refetch }));
  const save = useMutation(trpc.runbooks.policies.save.mutationOptions({ onSuccess: refetch }));
  const remove = useMutation(trpc.runbooks.policies.delete.mutationOptions({ onSuccess: refetch }));
  const kill = useMutation(trpc.runbooks.killSwitch.mutationOptions({ onSuccess: refetch }));
  const [form, setForm] = useState({
    runbookName: 'MSP-DiskCleanup',
    signature: 'disk_full',
    mode: 'APPROVAL',
    params: '',
  });
  const [paused, setPaused] = useState(false);

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <SectionTitle
          aside={
            staff ? (
              <Button
                variant="secondary"
                disabled={install.isPending}
                onClick={() => install.mutate({ companyId })}
              >
                Install / update all
              </Button>
            ) : null
          }
        >
          Documents in the account
        </SectionTitle>
        {install.error ? <ErrorNote>{install.error.message}</ErrorNote> : null}
        <table className="w-full text-sm" aria-label="Runbook documents">
          <tbody>
            {(docs.data ?? []).map((d) => (
              <tr key={d.name} className="border-t border-zinc-100 dark:border-zinc-800">
                <th scope="row" className="py-1.5 pr-2 text-left font-mono text-xs font-normal">
                  {d.name}
                  <span className="block text-zinc-500">{d.type}</span>
                </th>
                <td className="py-1.5 pr-2">
                  <Badge tone={stateTone[d.state]}>{stateLabel[d.state]}</Badge>
                </td>
                <td className="py-1.5 text-xs text-zinc-500">
                  {d.installedVersion ? `v${d.installedVersion}, ${formatDateTime(d.installedAt!)}` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!staff ? <ReadOnlyNote /> : null}
      </Card>

      <Card>
        <SectionTitle>Kill switch</SectionTitle>
        <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
          Stops every runbook of this company from starting (running ones finish). Owners can also pause the
          whole MSP.
        </p>
        {admin ? (
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              onClick={() => {
                setPaused(true);
                kill.mutate({ companyId, paused: true });
              }}
            >
              Pause runbooks for {company.name}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setPaused(false);
                kill.mutate({ companyId, paused: false });
              }}
            >
              Resume
            </Button>
          </div>
        ) : (
          <ReadOnlyNote />
        )}
        {kill.isSuccess ? <p className="mt-2 text-sm">{paused ? 'Paused.' : 'Resumed.'}</p> : null}
        {kill.error ? <ErrorNote>{kill.error.message}</ErrorNote> : null}
      </Card>

      <Card className="lg:col-span-2">
        <SectionTitle>Policies</SectionTitle>
        <ul className="space-y-2 text-sm" aria-label="Runbook policies">
          {(policies.data ?? []).map((p) => (
            <li
              key={p.id}
              className="flex flex-wrap items-center gap-2 border-t border-zinc-100 pt-2 dark:border-zinc-800"
            >
              <span className="font-mono text-xs">{p.signature}</span>→
              <span className="font-medium">{p.runbook.name}</span>
              <Badge tone={p.mode === 'AUTO' ? 'green' : p.mode === 'APPROVAL' ? 'amber' : 'zinc'}>
                {p.mode}
              </Badge>
              <span className="text-xs text-zinc-500">
                {p.maxPerHour}/h per asset · cooldown {p.cooldownMinutes} min · boot grace{' '}
                {p.bootGraceMinutes} min · timeout {p.timeoutSeconds} s · {p.maxConcurrent} at once · verify{' '}
                {p.verifyMinutes} min
              </span>
              <span className="break-all font-mono text-xs text-zinc-500">
                {JSON.stringify(p.parameters)}
              </span>
              {admin ? (
                <Button variant="secondary" onClick={() => remove.mutate({ id: p.id })}>
                  Delete
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
        {policies.data?.length === 0 ? <p className="text-sm text-zinc-500">No policy yet.</p> : null}
        {admin ? (
          <form
            className="mt-4 grid gap-2 sm:grid-cols-4"
            aria-label="Add a policy"
            onSubmit={(e) => {
              e.preventDefault();
              const parameters = Object.fromEntries(
                form.params
                  .split('\n')
                  .map((l) => l.trim())
                  .filter(Boolean)
                  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
              );
              save.mutate({
                companyId,
                runbookName: form.runbookName,
                signature: form.signature,
                mode: form.mode as 'AUTO' | 'APPROVAL',
                parameters,
              });
            }}
          >
            <Select
              id="policy-runbook"
              label="Runbook"
              value={form.runbookName}
              onChange={(e) => setForm({ ...form, runbookName: e.target.value })}
            >
              {(docs.data ?? []).map((d) => (
                <option key={d.name}>{d.name}</option>
              ))}
            </Select>
            <Field
              id="policy-signature"
              label="Signature"
              value={form.signature}
              onChange={(e) => setForm({ ...form, signature: e.target.value })}
            />
            <Select
              id="policy-mode"
              label="Mode"
              value={form.mode}
              onChange={(e) => setForm({ ...form, mode: e.target.value })}
            >
              <option value="APPROVAL">Approval</option>
              <option value="AUTO">Automatic</option>
            </Select>
            <div>
              <label htmlFor="policy-params" className="block text-sm font-medium">
                Parameters (Name=value, one a line)
              </label>
              <textarea
                id="policy-params"
                rows={2}
                className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
                placeholder="ServiceName={{labels.service}}"
                value={form.params}
                onChange={(e) => setForm({ ...form, params: e.target.value })}
              />
            </div>
            <div className="sm:col-span-4">
              <Button type="submit" disabled={save.isPending}>
                Add policy
              </Button>
              {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
            </div>
          </form>
        ) : null}
      </Card>

      <Card className="lg:col-span-2">
        <SectionTitle>Recent executions</SectionTitle>
        <ul className="space-y-1 text-sm" aria-label="Recent executions">
          {(executions.data ?? []).map((e) => (
            <li key={e.id} className="flex flex-wrap gap-2">
              <span className="text-xs text-zinc-500">{formatDateTime(e.createdAt)}</span>
              <span className="font-medium">{e.runbook.name}</span>
              <span className="font-mono text-xs">{e.instanceId ?? e.asset}</span>
              <Badge tone={e.status === 'SUCCESS' ? 'green' : e.escalated ? 'red' : 'zinc'}>{e.status}</Badge>
              {e.error ? <span className="text-xs text-red-700 dark:text-red-300">{e.error}</span> : null}
            </li>
          ))}
        </ul>
        {executions.data?.length === 0 ? <p className="text-sm text-zinc-500">No execution yet.</p> : null}
      </Card>
    </div>
  );
}
