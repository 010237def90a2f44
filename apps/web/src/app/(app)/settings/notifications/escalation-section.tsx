'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, Field, Select } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

/** Escalation policies (one step per line: minutes, then a channel or a rotation) and on-call rotations. */
export function EscalationSection({ admin }: { admin: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const escalations = useQuery(trpc.notifications.escalation.list.queryOptions());
  const rotations = useQuery(trpc.notifications.oncall.list.queryOptions());
  const channels = useQuery(trpc.notifications.channels.list.queryOptions());
  const members = useQuery(trpc.members.list.queryOptions());
  const refetch = () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const saveEsc = useMutation(trpc.notifications.escalation.save.mutationOptions({ onSuccess: refetch }));
  const saveRot = useMutation(trpc.notifications.oncall.save.mutationOptions({ onSuccess: refetch }));
  const [esc, setEsc] = useState({ name: '', minutes: '15', target: '', repeat: '0' });
  const [rot, setRot] = useState({ name: '', userIds: [] as string[], startsAt: '' });
  const staff = (members.data?.members ?? []).filter((m) =>
    ['OWNER', 'ADMIN', 'TECHNICIAN'].includes(m.role),
  );
  const who = (id: string | null) =>
    staff.find((m) => m.userId === id)?.email ?? (id ? id.slice(0, 8) : 'nobody');

  return (
    <Card>
      <SectionTitle>Escalation and on-call</SectionTitle>
      <ul className="space-y-1 text-sm" aria-label="Escalation policies">
        {(escalations.data ?? []).map((e) => (
          <li key={e.id}>
            <strong>{e.name}</strong> · {(e.steps as unknown[]).length} step(s), repeat {e.repeat}
          </li>
        ))}
      </ul>
      <ul className="mt-3 space-y-1 text-sm" aria-label="On-call rotations">
        {(rotations.data ?? []).map((r) => (
          <li key={r.id}>
            <strong>{r.name}</strong> · weekly from {formatDateTime(r.startsAt)} · on call now:{' '}
            {who(r.onCallNow)}
          </li>
        ))}
      </ul>
      {admin ? (
        <div className="mt-4 grid gap-6 lg:grid-cols-2">
          <form
            className="space-y-2"
            aria-label="Add an escalation policy"
            onSubmit={(e) => {
              e.preventDefault();
              const [type, id] = esc.target.split(':');
              const step = {
                afterMinutes: Number(esc.minutes),
                channelIds: type === 'c' ? [id!] : [],
                rotationIds: type === 'r' ? [id!] : [],
              };
              saveEsc.mutate({ escalation: { name: esc.name, repeat: Number(esc.repeat), steps: [step] } });
            }}
          >
            <Field
              label="Escalation name"
              id="esc-name"
              value={esc.name}
              onChange={(e) => setEsc({ ...esc, name: e.target.value })}
              required
            />
            <Field
              label="Not acknowledged after (minutes)"
              id="esc-minutes"
              type="number"
              min={1}
              value={esc.minutes}
              onChange={(e) => setEsc({ ...esc, minutes: e.target.value })}
            />
            <Select
              label="Then notify"
              id="esc-target"
              value={esc.target}
              onChange={(e) => setEsc({ ...esc, target: e.target.value })}
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
            <Field
              label="Repeat"
              id="esc-repeat"
              type="number"
              min={0}
              max={10}
              value={esc.repeat}
              onChange={(e) => setEsc({ ...esc, repeat: e.target.value })}
            />
            {saveEsc.error ? <ErrorNote>{saveEsc.error.message}</ErrorNote> : null}
            <Button type="submit">Add escalation</Button>
          </form>
          <form
            className="space-y-2"
            aria-label="Add a rotation"
            onSubmit={(e) => {
              e.preventDefault();
              saveRot.mutate({
                rotation: { name: rot.name, userIds: rot.userIds, startsAt: new Date(rot.startsAt) },
              });
            }}
          >
            <Field
              label="Rotation name"
              id="rot-name"
              value={rot.name}
              onChange={(e) => setRot({ ...rot, name: e.target.value })}
              required
            />
            <fieldset className="text-sm">
              <legend className="font-medium">Members, in turn (one week each)</legend>
              {staff.map((m) => (
                <label key={m.userId} className="mr-3 inline-flex items-center gap-1">
                  <input
                    type="checkbox"
                    checked={rot.userIds.includes(m.userId)}
                    onChange={() =>
                      setRot({
                        ...rot,
                        userIds: rot.userIds.includes(m.userId)
                          ? rot.userIds.filter((u) => u !== m.userId)
                          : [...rot.userIds, m.userId],
                      })
                    }
                  />
                  {m.email}
                </label>
              ))}
            </fieldset>
            <Field
              label="First handoff"
              id="rot-start"
              type="datetime-local"
              value={rot.startsAt}
              onChange={(e) => setRot({ ...rot, startsAt: e.target.value })}
              required
            />
            {saveRot.error ? <ErrorNote>{saveRot.error.message}</ErrorNote> : null}
            <Button type="submit">Add rotation</Button>
          </form>
        </div>
      ) : null}
    </Card>
  );
}
