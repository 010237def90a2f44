'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Skeleton, cx } from '~/components/ui';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useTRPC } from '~/trpc/react';
import { CodeBlock, CopyButton } from '~/components/ui-extra';
import { KubernetesInstall } from '~/components/clusters/kubernetes-install';

const STEPS = [
  { id: 'profile', label: 'Company profile' },
  { id: 'keys', label: 'API key & signing secret' },
  { id: 'aws', label: 'AWS access' },
  { id: 'test', label: 'Send a test alert' },
  { id: 'done', label: 'Done' },
] as const;
type Step = (typeof STEPS)[number]['id'];

export function OnboardingWizard({
  companyId,
  baseUrl,
  readOnly,
}: {
  companyId: string;
  baseUrl: string;
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const company = useQuery(trpc.company.get.queryOptions({ companyId }));
  const [view, setView] = useState<Step | null>(null);
  const setStep = useMutation(
    trpc.company.setOnboardingStep.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.company.get.queryKey({ companyId }) }),
    }),
  );
  // Secrets live only in this page's memory: shown once, never fetched again.
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [firstAlert, setFirstAlert] = useState<string | null>(null);

  useRealtime(
    (m) => {
      if (m.type === 'onboarding.first_alert' && m.companyId === companyId) {
        setFirstAlert(m.payload.receivedAt);
        void qc.invalidateQueries({ queryKey: trpc.company.get.queryKey({ companyId }) });
      }
    },
    { companyId },
  );

  if (company.isPending) return <Skeleton className="h-96" />;
  if (company.isError) {
    return (
      <EmptyState title="Company not found">
        <Link href="/companies" className="underline">
          Back to companies
        </Link>
      </EmptyState>
    );
  }
  const c = company.data;
  const current: Step =
    view ?? ((STEPS.some((s) => s.id === c.onboardingStep) ? c.onboardingStep : 'profile') as Step);
  const go = (step: Step, extra: { webhookOnly?: boolean } = {}) => {
    setView(step);
    if (!readOnly) setStep.mutate({ companyId, step, ...extra });
  };
  const received = firstAlert ?? (c.firstAlertAt ? new Date(c.firstAlertAt).toISOString() : null);

  return (
    <div className="space-y-6">
      <div>
        <Link href="/companies" className="text-sm text-zinc-600 hover:underline dark:text-zinc-400">
          ← Companies
        </Link>
        <h1 className="mt-2 text-2xl font-semibold">Onboarding: {c.name}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Every step can be skipped and resumed later. Your progress is saved.
        </p>
      </div>
      <ol className="flex flex-wrap gap-2" aria-label="Onboarding steps">
        {STEPS.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              onClick={() => setView(s.id)}
              aria-current={current === s.id ? 'step' : undefined}
              className={cx(
                'rounded-full border px-3 py-1 text-sm',
                current === s.id
                  ? 'border-indigo-500 bg-indigo-600 text-white'
                  : 'border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800',
              )}
            >
              {i + 1}. {s.label}
            </button>
          </li>
        ))}
      </ol>
      {setStep.isError ? <ErrorNote>{setStep.error.message}</ErrorNote> : null}

      {current === 'profile' ? (
        <ProfileStep
          companyId={companyId}
          name={c.name}
          timezone={c.timezone}
          readOnly={readOnly}
          onNext={() => go('keys')}
        />
      ) : null}
      {current === 'keys' ? (
        <KeysStep
          companyId={companyId}
          readOnly={readOnly}
          apiKey={apiKey}
          secret={secret}
          onKey={setApiKey}
          onSecret={setSecret}
          onNext={() => go('aws')}
        />
      ) : null}
      {current === 'aws' ? (
        <>
          <AwsStep
            companyId={companyId}
            readOnly={readOnly}
            webhookOnly={c.webhookOnly}
            onWebhookOnly={() => go('test', { webhookOnly: true })}
            onNext={() => go('test', { webhookOnly: false })}
          />
          <Card>
            <h2 className="mb-1 text-lg font-medium">Kubernetes cluster (optional)</h2>
            <KubernetesInstall companyId={companyId} origin={baseUrl} readOnly={readOnly} />
          </Card>
        </>
      ) : null}
      {current === 'test' ? (
        <TestStep
          companyId={companyId}
          baseUrl={baseUrl}
          apiKey={apiKey}
          secret={secret}
          received={received}
          onBackToKeys={() => setView('keys')}
          onNext={() => go('done')}
        />
      ) : null}
      {current === 'done' ? (
        <Card>
          <h2 className="text-lg font-medium">
            {c.onboardingDoneAt ? 'Onboarding complete' : 'Almost there'}
          </h2>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            {received
              ? `Alerts from ${c.name} are arriving (first one ${new Date(received).toLocaleString()}).`
              : 'No alert has arrived yet: send the test alert from step 4 whenever you are ready.'}
          </p>
          <div className="mt-4 flex gap-2">
            <Link
              href="/dashboard"
              className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
            >
              Go to incidents
            </Link>
            <Link
              href={`/settings/keys?company=${companyId}`}
              className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              Manage keys
            </Link>
          </div>
        </Card>
      ) : null}
    </div>
  );
}

function ProfileStep({
  companyId,
  name,
  timezone,
  readOnly,
  onNext,
}: {
  companyId: string;
  name: string;
  timezone: string;
  readOnly: boolean;
  onNext: () => void;
}) {
  const trpc = useTRPC();
  const save = useMutation(trpc.company.updateProfile.mutationOptions({ onSuccess: onNext }));
  const browserTz = typeof Intl !== 'undefined' ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC';
  return (
    <Card>
      <h2 className="mb-4 text-lg font-medium">Company profile</h2>
      <form
        className="max-w-md space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          save.mutate({ companyId, name: String(f.get('profileName')), timezone: String(f.get('timezone')) });
        }}
      >
        <Field
          id="profileName"
          label="Company name"
          defaultValue={name}
          required
          minLength={2}
          disabled={readOnly}
        />
        <Field
          id="timezone"
          label="Time zone"
          defaultValue={timezone === 'UTC' ? browserTz : timezone}
          hint="IANA name, e.g. Europe/Berlin. Maintenance windows use it."
          required
          disabled={readOnly}
        />
        {save.isError ? <ErrorNote>{save.error.message}</ErrorNote> : null}
        <div className="flex gap-2">
          <Button type="submit" disabled={readOnly || save.isPending}>
            Save and continue
          </Button>
          <Button variant="ghost" onClick={onNext}>
            Skip
          </Button>
        </div>
      </form>
    </Card>
  );
}

function KeysStep({
  companyId,
  readOnly,
  apiKey,
  secret,
  onKey,
  onSecret,
  onNext,
}: {
  companyId: string;
  readOnly: boolean;
  apiKey: string | null;
  secret: string | null;
  onKey: (k: string) => void;
  onSecret: (s: string) => void;
  onNext: () => void;
}) {
  const trpc = useTRPC();
  const keys = useQuery(trpc.ingest.keys.list.queryOptions({ companyId }));
  const create = useMutation(trpc.ingest.keys.create.mutationOptions({ onSuccess: (r) => onKey(r.key) }));
  const rotate = useMutation(
    trpc.ingest.secret.rotate.mutationOptions({ onSuccess: (r) => onSecret(r.secret) }),
  );
  const existing = (keys.data ?? []) as {
    id: string;
    name: string;
    prefix: string;
    revokedAt: Date | null;
  }[];
  return (
    <Card>
      <h2 className="mb-1 text-lg font-medium">API key and signing secret</h2>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Your monitoring sends alerts with the API key and signs each request with the secret (HMAC-SHA256).
        Both are shown <strong>once</strong>: store them in your secret manager now.
      </p>
      <div className="grid gap-6 md:grid-cols-2">
        <div className="space-y-3">
          <h3 className="font-medium">API key</h3>
          {apiKey ? (
            <div className="space-y-2" role="status">
              <input
                readOnly
                value={apiKey}
                aria-label="New API key"
                className="w-full rounded border px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
              />
              <CopyButton text={apiKey} label="Copy API key" />
            </div>
          ) : (
            <>
              {existing.filter((k) => !k.revokedAt).length ? (
                <p className="text-sm">
                  Existing keys:{' '}
                  {existing
                    .filter((k) => !k.revokedAt)
                    .map((k) => `${k.name} (${k.prefix}…)`)
                    .join(', ')}
                </p>
              ) : null}
              <Button
                disabled={readOnly || create.isPending}
                onClick={() =>
                  create.mutate({ companyId, name: 'Onboarding key', allowUnsigned: false, pagerDuty: false })
                }
              >
                Create API key
              </Button>
            </>
          )}
          {create.isError ? <ErrorNote>{create.error.message}</ErrorNote> : null}
        </div>
        <div className="space-y-3">
          <h3 className="font-medium">Signing secret</h3>
          {secret ? (
            <div className="space-y-2" role="status">
              <input
                readOnly
                value={secret}
                aria-label="New signing secret"
                className="w-full rounded border px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
              />
              <CopyButton text={secret} label="Copy secret" />
            </div>
          ) : (
            <Button
              disabled={readOnly || rotate.isPending}
              onClick={() => rotate.mutate({ companyId, overlapMinutes: 0 })}
            >
              Generate signing secret
            </Button>
          )}
          {rotate.isError ? <ErrorNote>{rotate.error.message}</ErrorNote> : null}
        </div>
      </div>
      <div className="mt-6 flex gap-2">
        <Button onClick={onNext}>Continue</Button>
        <Button variant="ghost" onClick={onNext}>
          Skip
        </Button>
      </div>
    </Card>
  );
}

function AwsStep({
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

function TestStep({
  companyId,
  baseUrl,
  apiKey,
  secret,
  received,
  onBackToKeys,
  onNext,
}: {
  companyId: string;
  baseUrl: string;
  apiKey: string | null;
  secret: string | null;
  received: string | null;
  onBackToKeys: () => void;
  onNext: () => void;
}) {
  const trpc = useTRPC();
  const curl = useQuery(
    trpc.ingest.secret.curlExample.queryOptions({
      companyId,
      baseUrl,
      apiKey: apiKey ?? undefined,
      secret: secret ?? undefined,
    }),
  );
  return (
    <Card>
      <h2 className="mb-1 text-lg font-medium">Send a test alert</h2>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Paste this into a terminal. It signs the request with your secret and posts one alert. This page
        completes by itself the moment the alert arrives.
      </p>
      {!apiKey || !secret ? (
        <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          The command has placeholders: create a key and secret in{' '}
          <button type="button" className="underline" onClick={onBackToKeys}>
            step 2
          </button>{' '}
          to get a ready-to-paste command (they are shown once).
        </p>
      ) : null}
      {curl.data ? (
        <CodeBlock code={curl.data.command} label="Test alert command" />
      ) : (
        <Skeleton className="h-40" />
      )}
      <div
        className={cx(
          'mt-4 rounded-md px-3 py-2 text-sm',
          received
            ? 'bg-green-50 text-green-900 dark:bg-green-950 dark:text-green-100'
            : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
        )}
        role="status"
        aria-live="polite"
      >
        {received
          ? `First alert received ${new Date(received).toLocaleTimeString()}. You are connected.`
          : 'Waiting for your first alert…'}
      </div>
      <div className="mt-6 flex gap-2">
        <Button onClick={onNext} disabled={!received} variant={received ? 'primary' : 'secondary'}>
          Finish
        </Button>
        {!received ? (
          <Button variant="ghost" onClick={onNext}>
            Skip for now
          </Button>
        ) : null}
      </div>
    </Card>
  );
}
