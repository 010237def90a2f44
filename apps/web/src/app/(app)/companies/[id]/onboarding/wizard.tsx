'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Card, EmptyState, ErrorNote, Skeleton, cx } from '~/components/ui';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useTRPC } from '~/trpc/react';
import { KubernetesInstall } from '~/components/clusters/kubernetes-install';
import { ProfileStep } from './profile-step';
import { KeysStep } from './keys-step';
import { AwsStep } from './aws-step';
import { TestStep } from './test-step';

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
