'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, ErrorNote, Field, Skeleton } from '~/components/ui';
import { useTRPC } from '~/trpc/react';
import { CodeBlock, CopyButton } from '~/components/ui-extra';

export function AwsStep({
  companyId,
  readOnly,
  webhookOnly,
  onWebhookOnly,
  onNext,
}: {
  companyId: string;
  readOnly: boolean;
  webhookOnly: boolean;
  onWebhookOnly: () => void;
  onNext: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const availability = useQuery(trpc.aws.availability.queryOptions({ companyId }));
  const artefacts = useQuery({
    ...trpc.aws.onboarding.queryOptions({ companyId }),
    enabled: availability.data?.available === true,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.aws.onboarding.queryKey({ companyId }) });
  const setArn = useMutation(trpc.aws.setRoleArn.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.aws.testConnection.mutationOptions({ onSuccess: refresh }));
  const [tab, setTab] = useState<'cfn' | 'tf'>('cfn');
  return (
    <Card>
      <h2 className="mb-1 text-lg font-medium">AWS access (optional)</h2>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        With AWS access, your MSP can heal known faults through Systems Manager in your account, using a role
        you create and can delete at any time: no long-lived keys, 15-minute sessions, every call in your
        CloudTrail. Prefer alerts only? Choose webhook-only mode.
      </p>
      <div className="mb-4 flex flex-wrap gap-2">
        <Button variant="secondary" onClick={onWebhookOnly} disabled={readOnly}>
          Use webhook-only mode
        </Button>
        {webhookOnly ? <Badge>currently webhook only</Badge> : null}
      </div>
      {availability.data && !availability.data.available ? (
        <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-800">
          {availability.data.reason}
        </p>
      ) : artefacts.isPending ? (
        <Skeleton className="h-40" />
      ) : artefacts.isError ? (
        <ErrorNote>{artefacts.error.message}</ErrorNote>
      ) : (
        <div className="space-y-4">
          {artefacts.data.simulated ? (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
              Simulated AWS account: this demo company talks to a local fake of AWS, not to real AWS.
            </p>
          ) : null}
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-zinc-500 dark:text-zinc-400">External ID</dt>
            <dd className="flex items-center gap-2 font-mono">
              {artefacts.data.externalId}{' '}
              <CopyButton text={artefacts.data.externalId} label="Copy External ID" />
            </dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Trusted account</dt>
            <dd className="font-mono">{artefacts.data.mspAccountId}</dd>
          </dl>
          <div role="tablist" aria-label="Role template" className="flex gap-2">
            <Button
              variant={tab === 'cfn' ? 'primary' : 'secondary'}
              role="tab"
              aria-selected={tab === 'cfn'}
              onClick={() => setTab('cfn')}
            >
              CloudFormation
            </Button>
            <Button
              variant={tab === 'tf' ? 'primary' : 'secondary'}
              role="tab"
              aria-selected={tab === 'tf'}
              onClick={() => setTab('tf')}
            >
              Terraform
            </Button>
          </div>
          {tab === 'cfn' ? (
            <div className="space-y-2">
              {artefacts.data.cloudFormation.quickCreateUrl ? (
                <a
                  href={artefacts.data.cloudFormation.quickCreateUrl}
                  target="_blank"
                  rel="noreferrer"
                  className="inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white"
                >
                  Launch stack in the AWS console
                </a>
              ) : null}
              <a
                download={artefacts.data.cloudFormation.fileName}
                href={`data:application/json;charset=utf-8,${encodeURIComponent(artefacts.data.cloudFormation.body)}`}
                className="ml-2 inline-block rounded-md border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700"
              >
                Download template
              </a>
            </div>
          ) : (
            <CodeBlock code={artefacts.data.terraform.usage} label="Terraform" />
          )}
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              setArn.mutate({ companyId, roleArn: String(new FormData(e.currentTarget).get('roleArn')) });
            }}
          >
            <div className="min-w-80 flex-1">
              <Field
                id="roleArn"
                label="Role ARN (stack output)"
                defaultValue={artefacts.data.roleArn ?? ''}
                placeholder={`arn:aws:iam::123456789012:role/${artefacts.data.expectedRoleName}`}
                disabled={readOnly}
              />
            </div>
            <Button type="submit" variant="secondary" disabled={readOnly || setArn.isPending}>
              Save ARN
            </Button>
            <Button
              onClick={() => test.mutate({ companyId })}
              disabled={readOnly || test.isPending || !artefacts.data.roleArn}
            >
              {test.isPending ? 'Testing…' : 'Test connection'}
            </Button>
          </form>
          {setArn.isError ? <ErrorNote>{setArn.error.message}</ErrorNote> : null}
          {test.isError ? <ErrorNote>{test.error.message}</ErrorNote> : null}
          <p className="text-sm" role="status" aria-live="polite">
            Status: <strong>{artefacts.data.status.toLowerCase().replace('_', ' ')}</strong>
            {artefacts.data.lastTestedAt
              ? ` · tested ${new Date(artefacts.data.lastTestedAt).toLocaleString()}`
              : ''}
            {artefacts.data.lastError ? (
              <span className="block text-red-700 dark:text-red-300">{artefacts.data.lastError}</span>
            ) : null}
          </p>
        </div>
      )}
      <div className="mt-6 flex gap-2">
        <Button onClick={onNext}>Continue</Button>
      </div>
    </Card>
  );
}
