'use client';

import { useActionState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import type { FormState } from '~/server/form-errors';
import { completeSignUpAction } from '../actions';

export function FinishSignUpForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(
    completeSignUpAction.bind(null, token),
    {
      error: null,
    },
  );
  const f = state.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
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
