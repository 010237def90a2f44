'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, ErrorNote, Field } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { LiveNote, SectionTitle } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import type { Onboarding } from './rows';

const STATUS: Record<string, { label: string; tone: 'green' | 'red' | 'amber' | 'zinc' }> = {
  CONNECTED: { label: 'Connected', tone: 'green' },
  FAILED: { label: 'Connection failed', tone: 'red' },
  PENDING: { label: 'Not tested yet', tone: 'amber' },
  NOT_CONFIGURED: { label: 'Not connected', tone: 'zinc' },
};

export function Connection({
  company,
  o,
  canManage,
}: {
  company: ScopedCompany;
  o: Onboarding;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [roleArn, setRoleArn] = useState(o.roleArn ?? '');
  const [region, setRegion] = useState(o.region);
  const [saved, setSaved] = useState(false);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: trpc.aws.onboarding.queryKey({ companyId: company.id }) });
    await qc.invalidateQueries({ queryKey: trpc.company.list.queryKey() });
  };
  const save = useMutation(
    trpc.aws.setRoleArn.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        test.reset();
        await refresh();
      },
    }),
  );
  const test = useMutation(trpc.aws.testConnection.mutationOptions({ onSuccess: refresh }));
  const status = STATUS[o.status] ?? { label: o.status, tone: 'zinc' as const };
  const arnOk = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/.test(roleArn.trim());

  return (
    <Card>
      <SectionTitle aside={<Badge tone={status.tone}>{status.label}</Badge>}>
        2. Connect and test
      </SectionTitle>
      <form
        aria-label="Role ARN"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          save.mutate({ companyId: company.id, roleArn: roleArn.trim(), region: region.trim() || undefined });
        }}
      >
        <fieldset disabled={!canManage} className="min-w-0 space-y-3">
          <Field
            id="aws-role-arn"
            label="Role ARN"
            hint="The RoleArn output of the CloudFormation stack or Terraform module: arn:aws:iam::<account>:role/<name>"
            value={roleArn}
            onChange={(e) => {
              setRoleArn(e.target.value);
              setSaved(false);
            }}
            error={roleArn && !arnOk ? 'Expected arn:aws:iam::<12-digit account>:role/<name>.' : null}
            className="font-mono"
            required
          />
          <Field
            id="aws-region"
            label="Region"
            value={region}
            onChange={(e) => setRegion(e.target.value)}
            className="font-mono"
            hint="Where Systems Manager runs for this company, e.g. eu-central-1."
          />
        </fieldset>
        {canManage ? (
          <div className="flex flex-wrap gap-2">
            <Button
              type="submit"
              variant="secondary"
              disabled={
                save.isPending || !arnOk || (roleArn.trim() === o.roleArn && region.trim() === o.region)
              }
            >
              {save.isPending ? 'Saving…' : 'Save role ARN'}
            </Button>
            <Button
              onClick={() => test.mutate({ companyId: company.id })}
              disabled={test.isPending || !o.roleArn}
              title={!o.roleArn ? 'Save a role ARN first' : undefined}
            >
              {test.isPending ? 'Testing…' : 'Test connection'}
            </Button>
          </div>
        ) : null}
        {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
        <div aria-live="polite">
          {saved ? <LiveNote>Role ARN saved. Test the connection next.</LiveNote> : null}
        </div>
      </form>
      <div aria-live="polite" className="mt-4" role="region" aria-label="Connection test result">
        {test.isPending ? (
          <p className="text-sm">Assuming the role and making a read call…</p>
        ) : test.isError ? (
          <ErrorNote>The test could not run: {errorText(test.error)}</ErrorNote>
        ) : test.data ? (
          test.data.ok ? (
            <div className="rounded-md bg-green-50 p-3 text-sm text-green-900 dark:bg-green-950 dark:text-green-100">
              <p className="font-medium">Connection works.</p>
              <p>
                Account {test.data.accountId ?? '—'} · {test.data.nodesVisible ?? 0} managed nodes visible ·
                tested {formatDateTime(test.data.testedAt)}
                {test.data.sessionExpiresAt
                  ? ` · session valid until ${formatDateTime(test.data.sessionExpiresAt)}`
                  : ''}
              </p>
            </div>
          ) : (
            <div className="rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
              <p className="font-medium">
                Connection failed{' '}
                {test.data.stage === 'assume-role' ? 'while assuming the role' : 'on the read call'}.
              </p>
              <p>{test.data.error}</p>
              <p className="text-xs">
                Tested {formatDateTime(test.data.testedAt)}. Fix the role or ARN, then test again.
              </p>
            </div>
          )
        ) : o.lastTestedAt ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Last tested {formatDateTime(o.lastTestedAt)}
            {o.lastError ? (
              <>
                : <span className="text-red-700 dark:text-red-300">{o.lastError}</span>
              </>
            ) : (
              ': it worked.'
            )}
          </p>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Not tested yet.</p>
        )}
      </div>
    </Card>
  );
}
