'use client';

// On-call: add a weekly rotation, and an override (someone else on call for a while).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, ErrorNote, Field, Select } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

export function useStaff() {
  const trpc = useTRPC();
  const members = useQuery(trpc.members.list.queryOptions());
  return (members.data?.members ?? []).filter((m) => ['OWNER', 'ADMIN', 'TECHNICIAN'].includes(m.role));
}

export function RotationForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const staff = useStaff();
  const save = useMutation(
    trpc.notifications.oncall.save.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  const [rot, setRot] = useState({ name: '', userIds: [] as string[], startsAt: '' });
  return (
    <form
      className="space-y-2"
      aria-label="Add a rotation"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ rotation: { name: rot.name, userIds: rot.userIds, startsAt: new Date(rot.startsAt) } });
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
      {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
      <Button type="submit">Add rotation</Button>
    </form>
  );
}

export function OverrideForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const staff = useStaff();
  const rotations = useQuery(trpc.notifications.oncall.list.queryOptions());
  const save = useMutation(
    trpc.notifications.oncall.override.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  const [o, setO] = useState({ rotationId: '', userId: '', startsAt: '', endsAt: '' });
  return (
    <form
      className="space-y-2"
      aria-label="Add an on-call override"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ ...o, startsAt: new Date(o.startsAt), endsAt: new Date(o.endsAt) });
      }}
    >
      <Select
        label="Rotation"
        id="ovr-rotation"
        value={o.rotationId}
        onChange={(e) => setO({ ...o, rotationId: e.target.value })}
        required
      >
        <option value="">Choose…</option>
        {(rotations.data ?? []).map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </Select>
      <Select
        label="On call instead"
        id="ovr-user"
        value={o.userId}
        onChange={(e) => setO({ ...o, userId: e.target.value })}
        required
      >
        <option value="">Choose…</option>
        {staff.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.email}
          </option>
        ))}
      </Select>
      <div className="grid gap-2 sm:grid-cols-2">
        <Field
          label="From"
          id="ovr-start"
          type="datetime-local"
          value={o.startsAt}
          onChange={(e) => setO({ ...o, startsAt: e.target.value })}
          required
        />
        <Field
          label="Until"
          id="ovr-end"
          type="datetime-local"
          value={o.endsAt}
          onChange={(e) => setO({ ...o, endsAt: e.target.value })}
          required
        />
      </div>
      {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
      {save.isSuccess ? <p className="text-sm text-green-800 dark:text-green-300">Override saved.</p> : null}
      <Button type="submit" disabled={save.isPending}>
        Add override
      </Button>
    </form>
  );
}
