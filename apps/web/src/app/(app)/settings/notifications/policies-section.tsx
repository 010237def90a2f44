'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, Field, Select } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { useTRPC } from '~/trpc/react';

const TRIGGERS = [
  'incident.opened',
  'incident.severity_raised',
  'incident.acknowledged',
  'incident.resolved',
  'incident.flapping',
  'runbook.started',
  'runbook.succeeded',
  'runbook.failed',
] as const;
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;

function toggle<T>(list: T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export function PoliciesSection({ admin }: { admin: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const policies = useQuery(trpc.notifications.policies.list.queryOptions());
  const channels = useQuery(trpc.notifications.channels.list.queryOptions());
  const escalations = useQuery(trpc.notifications.escalation.list.queryOptions());
  const refetch = () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const save = useMutation(trpc.notifications.policies.save.mutationOptions({ onSuccess: refetch }));
  const remove = useMutation(trpc.notifications.policies.delete.mutationOptions({ onSuccess: refetch }));
  const [name, setName] = useState('');
  const [channelIds, setChannelIds] = useState<string[]>([]);
  const [triggers, setTriggers] = useState<(typeof TRIGGERS)[number][]>([
    'incident.opened',
    'incident.resolved',
  ]);
  const [severities, setSeverities] = useState<(typeof SEVERITIES)[number][]>([]);
  const [assetRe, setAssetRe] = useState('');
  const [quiet, setQuiet] = useState({ start: '', end: '' });
  const [escalationPolicyId, setEscalation] = useState('');
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? id.slice(0, 8);

  return (
    <Card>
      <SectionTitle>Policies</SectionTitle>
      <ul className="space-y-2 text-sm" aria-label="Notification policies">
        {(policies.data ?? []).map((p) => (
          <li
            key={p.id}
            className="flex flex-wrap items-center justify-between gap-2 border-t border-zinc-100 pt-2 dark:border-zinc-800"
          >
            <span>
              <strong>{p.name}</strong> · {p.triggers.join(', ')} → {p.channelIds.map(channelName).join(', ')}
              {p.severities.length ? ` · ${p.severities.join('/')}` : ''}
              {p.quietHours ? ' · quiet hours' : ''}
              {p.escalationPolicyId ? ' · escalates' : ''}
            </span>
            {admin ? (
              <Button variant="secondary" onClick={() => remove.mutate({ id: p.id })}>
                Delete
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {admin ? (
        <form
          className="mt-4 space-y-3"
          aria-label="Add a policy"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({
              policy: {
                name,
                channelIds,
                triggers,
                severities,
                matchers: assetRe ? [{ field: 'asset', op: '=~', value: assetRe }] : [],
                quietHours:
                  quiet.start && quiet.end
                    ? { start: quiet.start, end: quiet.end, allow: ['CRITICAL'] }
                    : null,
                escalationPolicyId: escalationPolicyId || null,
              },
            });
          }}
        >
          <Field
            label="Name"
            id="policy-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          <fieldset className="text-sm">
            <legend className="font-medium">Channels</legend>
            {(channels.data ?? []).map((c) => (
              <label key={c.id} className="mr-3 inline-flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={channelIds.includes(c.id)}
                  onChange={() => setChannelIds(toggle(channelIds, c.id))}
                />
                {c.name}
              </label>
            ))}
          </fieldset>
          <fieldset className="text-sm">
            <legend className="font-medium">Triggers</legend>
            {TRIGGERS.map((t) => (
              <label key={t} className="mr-3 inline-flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={triggers.includes(t)}
                  onChange={() => setTriggers(toggle(triggers, t))}
                />
                {t}
              </label>
            ))}
          </fieldset>
          <fieldset className="text-sm">
            <legend className="font-medium">Severities (none ticked: all)</legend>
            {SEVERITIES.map((s) => (
              <label key={s} className="mr-3 inline-flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={severities.includes(s)}
                  onChange={() => setSeverities(toggle(severities, s))}
                />
                {s}
              </label>
            ))}
          </fieldset>
          <div className="grid gap-3 sm:grid-cols-3">
            <Field
              label="Asset matches (RE2, optional)"
              id="policy-asset"
              value={assetRe}
              onChange={(e) => setAssetRe(e.target.value)}
            />
            <Field
              label="Quiet from (HH:MM)"
              id="policy-quiet-start"
              value={quiet.start}
              onChange={(e) => setQuiet({ ...quiet, start: e.target.value })}
              hint="Company time zone; CRITICAL still goes."
            />
            <Field
              label="Quiet until (HH:MM)"
              id="policy-quiet-end"
              value={quiet.end}
              onChange={(e) => setQuiet({ ...quiet, end: e.target.value })}
            />
          </div>
          <Select
            label="Escalation"
            id="policy-escalation"
            value={escalationPolicyId}
            onChange={(e) => setEscalation(e.target.value)}
          >
            <option value="">None</option>
            {(escalations.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
          {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
          <Button type="submit" disabled={save.isPending}>
            Add policy
          </Button>
        </form>
      ) : null}
    </Card>
  );
}
