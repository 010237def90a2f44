'use client';

// Add a notification policy: which incidents, which triggers, which channels, when (quiet hours
// and business hours in the incident's company time zone), escalation and a PSA ticket.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, ErrorNote, Field, Select } from '~/components/ui';
import { useTRPC } from '~/trpc/react';
import { SEVERITIES } from '@aw/core/domain';
import { TRIGGERS } from '@aw/notifications/types';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function toggle<T>(list: T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

function Checks<T extends string | number>({
  legend,
  options,
  value,
  onChange,
  label = (o) => String(o),
}: {
  legend: string;
  options: readonly T[];
  value: T[];
  onChange: (v: T[]) => void;
  label?: (o: T) => string;
}) {
  return (
    <fieldset className="text-sm">
      <legend className="font-medium">{legend}</legend>
      {options.map((o) => (
        <label key={String(o)} className="mr-3 inline-flex items-center gap-1">
          <input type="checkbox" checked={value.includes(o)} onChange={() => onChange(toggle(value, o))} />
          {label(o)}
        </label>
      ))}
    </fieldset>
  );
}

export function PolicyForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const channels = useQuery(trpc.notifications.channels.list.queryOptions());
  const escalations = useQuery(trpc.notifications.escalation.list.queryOptions());
  const psa = useQuery(trpc.notifications.psa.list.queryOptions());
  const save = useMutation(
    trpc.notifications.policies.save.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  const [name, setName] = useState('');
  const [channelIds, setChannelIds] = useState<string[]>([]);
  const [triggers, setTriggers] = useState<(typeof TRIGGERS)[number][]>([
    'incident.opened',
    'incident.resolved',
  ]);
  const [severities, setSeverities] = useState<(typeof SEVERITIES)[number][]>([]);
  const [assetRe, setAssetRe] = useState('');
  const [quiet, setQuiet] = useState({ start: '', end: '' });
  const [business, setBusiness] = useState({ days: [] as number[], start: '', end: '' });
  const [escalationPolicyId, setEscalation] = useState('');
  const [psaConnectionId, setPsa] = useState('');

  return (
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
              quiet.start && quiet.end ? { start: quiet.start, end: quiet.end, allow: ['CRITICAL'] } : null,
            businessHours:
              business.days.length && business.start && business.end
                ? { days: [...business.days].sort(), start: business.start, end: business.end }
                : null,
            escalationPolicyId: escalationPolicyId || null,
            psaConnectionId: psaConnectionId || null,
          },
        });
      }}
    >
      <Field label="Name" id="policy-name" value={name} onChange={(e) => setName(e.target.value)} required />
      <Checks
        legend="Channels"
        options={(channels.data ?? []).map((c) => c.id)}
        value={channelIds}
        onChange={setChannelIds}
        label={(id) => channels.data?.find((c) => c.id === id)?.name ?? id}
      />
      <Checks legend="Triggers" options={TRIGGERS} value={triggers} onChange={setTriggers} />
      <Checks
        legend="Severities (none ticked: all)"
        options={SEVERITIES}
        value={severities}
        onChange={setSeverities}
      />
      <Field
        label="Asset matches (RE2, optional)"
        id="policy-asset"
        value={assetRe}
        onChange={(e) => setAssetRe(e.target.value)}
      />
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Times are on the wall clock of each incident&apos;s company (its time zone in the company settings).
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Quiet from (HH:MM)"
          id="policy-quiet-start"
          value={quiet.start}
          onChange={(e) => setQuiet({ ...quiet, start: e.target.value })}
          hint="CRITICAL still goes."
        />
        <Field
          label="Quiet until (HH:MM)"
          id="policy-quiet-end"
          value={quiet.end}
          onChange={(e) => setQuiet({ ...quiet, end: e.target.value })}
        />
      </div>
      <Checks
        legend="Business days (messages outside business hours wait for the next opening)"
        options={[1, 2, 3, 4, 5, 6, 7]}
        value={business.days}
        onChange={(days) => setBusiness({ ...business, days })}
        label={(d) => DAYS[d - 1]!}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Business hours from (HH:MM)"
          id="policy-business-start"
          value={business.start}
          onChange={(e) => setBusiness({ ...business, start: e.target.value })}
        />
        <Field
          label="Business hours until (HH:MM)"
          id="policy-business-end"
          value={business.end}
          onChange={(e) => setBusiness({ ...business, end: e.target.value })}
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
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
        <Select
          label="Open a PSA ticket in"
          id="policy-psa"
          value={psaConnectionId}
          onChange={(e) => setPsa(e.target.value)}
        >
          <option value="">No ticket</option>
          {(psa.data ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </Select>
      </div>
      {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
      {save.isSuccess ? <p className="text-sm text-green-800 dark:text-green-300">Policy saved.</p> : null}
      <Button type="submit" disabled={save.isPending}>
        Add policy
      </Button>
    </form>
  );
}
