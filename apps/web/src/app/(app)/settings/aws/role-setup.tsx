'use client';

import { Button, Card } from '~/components/ui';
import { CodeBlock, CopyButton, SectionTitle } from '~/components/ui-extra';
import { downloadText } from '~/lib/download';
import type { Onboarding } from './rows';

export function RoleSetup({ o }: { o: Onboarding }) {
  return (
    <Card>
      <SectionTitle>1. Create the cross-account role</SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        The role trusts only our AWS account ({o.mspAccountId}) and only with this External ID, so no other
        customer of ours can make us act in your account. Sessions last {Math.round(o.sessionSeconds / 60)}{' '}
        minutes; no long-lived keys are stored.
      </p>
      <dl className="mb-4 space-y-2 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          <dt className="font-medium">External ID</dt>
          <dd className="flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-950">
              {o.externalId}
            </code>
            <CopyButton text={o.externalId} label="Copy External ID" />
          </dd>
        </div>
        <div className="flex flex-wrap gap-2">
          <dt className="font-medium">Role name</dt>
          <dd className="font-mono text-xs leading-5">{o.expectedRoleName}</dd>
        </div>
        <div className="flex flex-wrap gap-2">
          <dt className="font-medium">Region</dt>
          <dd className="font-mono text-xs leading-5">{o.region}</dd>
        </div>
      </dl>
      <div className="mb-4 flex flex-wrap gap-2">
        {o.cloudFormation.quickCreateUrl ? (
          <a
            href={o.cloudFormation.quickCreateUrl}
            target="_blank"
            rel="noopener noreferrer"
            className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Launch CloudFormation quick-create<span className="sr-only"> (opens in a new tab)</span> ↗
          </a>
        ) : null}
        <Button
          variant="secondary"
          onClick={() => downloadText(o.cloudFormation.fileName, o.cloudFormation.body, 'application/json')}
        >
          Download CloudFormation template
        </Button>
      </div>
      {!o.cloudFormation.quickCreateUrl ? (
        <p className="mb-4 text-xs text-zinc-500 dark:text-zinc-400">
          Quick-create needs the template at a public URL (CFN_TEMPLATE_URL), which this server does not set:
          download the template and create the stack “{o.cloudFormation.stackName}” in the CloudFormation
          console.
        </p>
      ) : null}
      <details className="group">
        <summary className="cursor-pointer text-sm font-medium">Prefer Terraform?</summary>
        <div className="mt-2">
          <CodeBlock label="Terraform module" code={o.terraform.usage} copyLabel="Copy Terraform snippet" />
        </div>
      </details>
    </Card>
  );
}
