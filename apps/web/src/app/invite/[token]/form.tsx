'use client';

import { useActionState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import type { FormState } from '~/server/form-errors';
import { acceptAction } from './actions';

export function AcceptForm({
  token,
  email,
  hasAccount,
}: {
  token: string;
  email: string;
  hasAccount: boolean;
}) {
  const [state, action, pending] = useActionState<FormState, FormData>(acceptAction.bind(null, token), {
    error: null,
  });
  const f = state.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field id="email" label="Email" value={email} readOnly disabled />
      {hasAccount ? null : <Field id="name" label="Your name" required autoComplete="name" error={f.name} />}
      <Field
        id="password"
        label={hasAccount ? 'Your existing password' : 'Choose a password'}
        type="password"
        required
        autoComplete={hasAccount ? 'current-password' : 'new-password'}
        hint={hasAccount ? undefined : 'At least 10 characters.'}
        error={f.password}
      />
      {state.error ? <ErrorNote>{state.error}</ErrorNote> : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Joining…' : 'Accept invitation'}
      </Button>
    </form>
  );
}
