'use client';

// An escalation policy with any number of steps: each step waits N minutes (after the incident
// opened, or after the previous step) and then notifies a channel or whoever is on call.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, ErrorNote, Field, Select } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

interface Step {
  key: number;
  minutes: string;
  target: string;
}

let nextKey = 1;
const newStep = (minutes = '15'): Step => ({ key: nextKey++, minutes, target: '' });

export function EscalationForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const rotations = useQuery(trpc.notifications.oncall.list.queryOptions());
  const channels = useQuery(trpc.notifications.channels.list.queryOptions());
  const [name, setName] = useState('');
  const [repeat, setRepeat] = useState('0');
  const [steps, setSteps] = useState<Step[]>(() => [newStep()]);
  const save = useMutation(
    trpc.notifications.escalation.save.mutationOptions({
      onSuccess: () => {
        setName('');
        setSteps([newStep()]);
        void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
      },
    }),
  );
  const update = (key: number, patch: Partial<Step>) =>
    setSteps(steps.map((s) => (s.key === key ? { ...s, ...patch } : s)));

  return (
    <form
      className="space-y-2"
      aria-label="Add an escalation policy"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          escalation: {
            name,
            repeat: Number(repeat),
            steps: steps.map((s) => {
              const [type, id] = s.target.split(':');
              return {
                afterMinutes: Number(s.minutes),
                channelIds: type === 'c' ? [id!] : [],
                rotationIds: type === 'r' ? [id!] : [],
              };
            }),
          },
        });
      }}
    >
      <Field
        label="Escalation name"
        id="esc-name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <ol className="space-y-2" aria-label="Escalation steps">
        {steps.map((s, i) => (
          <li
            key={s.key}
            className="grid items-end gap-2 rounded-md border border-zinc-200 p-2 sm:grid-cols-[8rem_1fr_auto] dark:border-zinc-800"
          >
            <Field
              label={`Step ${i + 1}: after (minutes)`}
              id={`esc-step-${s.key}-minutes`}
              type="number"
              min={1}
              max={1440}
              value={s.minutes}
              onChange={(e) => update(s.key, { minutes: e.target.value })}
              required
            />
            <Select
              label={`Step ${i + 1}: notify`}
              id={`esc-step-${s.key}-target`}
              value={s.target}
              onChange={(e) => update(s.key, { target: e.target.value })}
              required
            >
              <option value="">Choose…</option>
              {(channels.data ?? []).map((c) => (
                <option key={c.id} value={`c:${c.id}`}>
                  Channel: {c.name}
                </option>
              ))}
              {(rotations.data ?? []).map((r) => (
                <option key={r.id} value={`r:${r.id}`}>
                  On call: {r.name}
                </option>
              ))}
            </Select>
            <Button
              type="button"
              variant="secondary"
              disabled={steps.length === 1}
              onClick={() => setSteps(steps.filter((x) => x.key !== s.key))}
              aria-label={`Remove step ${i + 1}`}
            >
              Remove
            </Button>
          </li>
        ))}
      </ol>
      <Button
        type="button"
        variant="secondary"
        disabled={steps.length >= 10}
        onClick={() => setSteps([...steps, newStep('30')])}
      >
        Add step
      </Button>
      <Field
        label="Repeat (rounds after the last step)"
        id="esc-repeat"
        type="number"
        min={0}
        max={10}
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
      />
      {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
      {save.isSuccess ? (
        <p className="text-sm text-green-800 dark:text-green-300">Escalation saved.</p>
      ) : null}
      <Button type="submit" disabled={save.isPending}>
        Add escalation
      </Button>
    </form>
  );
}
