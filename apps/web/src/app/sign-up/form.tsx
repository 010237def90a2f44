'use client';

import { useActionState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import type { FormState } from '~/server/form-errors';
import { signUpAction } from './actions';

export function SignUpForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(signUpAction, { error: null });
  const f = state.fields ?? {};
  if (state.done) {
    return (
      <p role="status" className="text-sm">
        Check your inbox: we sent a link to finish creating your workspace (valid 24 hours). If the address
        already has an account, the mail says so instead. (On a local run mail is printed on the server
        console.)
      </p>
    );
  }
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field id="mspName" label="MSP name" required autoComplete="organization" error={f.mspName} />
      <Field id="name" label="Your name" required autoComplete="name" error={f.name} />
      <Field id="email" label="Work email" type="email" required autoComplete="email" error={f.email} />
      {state.error ? <ErrorNote>{state.error}</ErrorNote> : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Sending…' : 'Create MSP workspace'}
      </Button>
    </form>
  );
}
