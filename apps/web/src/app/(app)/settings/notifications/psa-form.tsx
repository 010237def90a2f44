'use client';

// Add a ConnectWise Manage connection: site URL, API member keys (sealed on the server), the
// integrator clientId, the board, the new/closed status names and our severity → priority id.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
const EMPTY = {
  name: '',
  baseUrl: '',
  companyId: '',
  publicKey: '',
  privateKey: '',
  clientId: '',
  board: '',
  newStatus: 'New',
  closedStatus: 'Closed (resolved)',
};

export function PsaForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [f, setF] = useState(EMPTY);
  const [prio, setPrio] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.notifications.psa.save.mutationOptions({
      onSuccess: () => {
        setF(EMPTY);
        setPrio({});
        void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
      },
    }),
  );
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  return (
    <form
      className="mt-4 space-y-2"
      aria-label="Add a ConnectWise connection"
      onSubmit={(e) => {
        e.preventDefault();
        const priorities = Object.fromEntries(
          Object.entries(prio)
            .filter(([, v]) => v.trim())
            .map(([k, v]) => [k, Number(v)]),
        );
        save.mutate({ connection: { kind: 'CONNECTWISE', ...f, priorities } });
      }}
    >
      <div className="grid gap-2 sm:grid-cols-2">
        <Field label="Connection name" id="psa-name" value={f.name} onChange={set('name')} required />
        <Field
          label="API URL"
          id="psa-url"
          value={f.baseUrl}
          onChange={set('baseUrl')}
          placeholder="https://api-na.myconnectwise.net/v4_6_release/apis/3.0"
          required
        />
        <Field
          label="ConnectWise company id (login)"
          id="psa-company"
          value={f.companyId}
          onChange={set('companyId')}
          required
        />
        <Field
          label="clientId (developer portal)"
          id="psa-client"
          value={f.clientId}
          onChange={set('clientId')}
          required
        />
        <Field
          label="API member public key"
          id="psa-public"
          value={f.publicKey}
          onChange={set('publicKey')}
          required
        />
        <Field
          label="API member private key"
          id="psa-private"
          type="password"
          autoComplete="off"
          value={f.privateKey}
          onChange={set('privateKey')}
          required
        />
        <Field label="Service board" id="psa-board" value={f.board} onChange={set('board')} required />
        <Field
          label="New ticket status"
          id="psa-new"
          value={f.newStatus}
          onChange={set('newStatus')}
          required
        />
        <Field
          label="Closed status"
          id="psa-closed"
          value={f.closedStatus}
          onChange={set('closedStatus')}
          required
        />
      </div>
      <fieldset className="grid gap-2 sm:grid-cols-5">
        <legend className="text-sm font-medium">Priority id per severity (optional)</legend>
        {SEVERITIES.map((s) => (
          <Field
            key={s}
            label={s}
            id={`psa-prio-${s}`}
            type="number"
            min={1}
            value={prio[s] ?? ''}
            onChange={(e) => setPrio({ ...prio, [s]: e.target.value })}
          />
        ))}
      </fieldset>
      {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
      <Button type="submit" disabled={save.isPending}>
        Add ConnectWise connection
      </Button>
    </form>
  );
}
