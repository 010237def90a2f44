'use client';

import { useActionState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import type { FormState } from '~/server/form-errors';
import { signUpAction } from './actions';

export function SignUpForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(signUpAction, { error: null });
  const f = state.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field id="mspName" label="MSP name" required autoComplete="organization" error={f.mspName} />
      <Field id="name" label="Your name" required autoComplete="name" error={f.name} />
      <Field id="email" label="Work email" type="email" required autoComplete="email" error={f.email} />
      <Field
        id="password"
        label="Password"
        type="password"
        required
        autoComplete="new-password"
        hint="At least 10 characters."
        error={f.password}
      />
      {state.error ? <ErrorNote>{state.error}</ErrorNote> : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Creating…' : 'Create MSP workspace'}
      </Button>
    </form>
  );
}
