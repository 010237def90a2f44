'use client';

import { useQuery } from '@tanstack/react-query';
import { Card } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { EscalationForm } from './escalation-form';
import { OverrideForm, RotationForm, useStaff } from './oncall-forms';

interface StepView {
  afterMinutes: number;
  channelIds: string[];
  rotationIds: string[];
}

/** Escalation policies (multi-step), on-call rotations and their overrides. */
export function EscalationSection({ admin }: { admin: boolean }) {
  const trpc = useTRPC();
  const escalations = useQuery(trpc.notifications.escalation.list.queryOptions());
  const rotations = useQuery(trpc.notifications.oncall.list.queryOptions());
  const channels = useQuery(trpc.notifications.channels.list.queryOptions());
  const staff = useStaff();
  const who = (id: string | null) =>
    staff.find((m) => m.userId === id)?.email ?? (id ? id.slice(0, 8) : 'nobody');
  const target = (s: StepView) =>
    [
      ...s.channelIds.map((id) => channels.data?.find((c) => c.id === id)?.name ?? 'channel'),
      ...s.rotationIds.map(
        (id) => `on call: ${rotations.data?.find((r) => r.id === id)?.name ?? 'rotation'}`,
      ),
    ].join(', ');

  return (
    <Card>
      <SectionTitle>Escalation and on-call</SectionTitle>
      <ul className="space-y-1 text-sm" aria-label="Escalation policies">
        {(escalations.data ?? []).map((e) => (
          <li key={e.id}>
            <strong>{e.name}</strong> ·{' '}
            {(e.steps as unknown as StepView[])
              .map((s, i) => `${i + 1}. after ${s.afterMinutes} min → ${target(s)}`)
              .join(' · ')}
            {e.repeat ? ` · repeat ${e.repeat}` : ''}
          </li>
        ))}
      </ul>
      <ul className="mt-3 space-y-1 text-sm" aria-label="On-call rotations">
        {(rotations.data ?? []).map((r) => (
          <li key={r.id}>
            <strong>{r.name}</strong> · weekly from {formatDateTime(r.startsAt)} · on call now:{' '}
            {who(r.onCallNow)}
            {r.overrides.map((o) => (
              <span key={o.id} className="block pl-4 text-zinc-600 dark:text-zinc-400">
                override: {who(o.userId)} from {formatDateTime(o.startsAt)} until {formatDateTime(o.endsAt)}
              </span>
            ))}
          </li>
        ))}
      </ul>
      {admin ? (
        <div className="mt-4 grid gap-6 lg:grid-cols-3">
          <EscalationForm />
          <RotationForm />
          <OverrideForm />
        </div>
      ) : null}
    </Card>
  );
}
