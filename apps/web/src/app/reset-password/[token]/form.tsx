'use client';

import { useActionState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import type { FormState } from '~/server/form-errors';
import { resetAction } from './actions';

export function ResetForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(resetAction.bind(null, token), {
    error: null,
  });
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field
        id="password"
        label="New password"
        type="password"
        required
        autoComplete="new-password"
        hint="At least 10 characters."
        error={state.fields?.password}
      />
      {state.error ? <ErrorNote>{state.error}</ErrorNote> : null}
      <Button type="submit" disabled={pending} className="w-full">
        Set new password
      </Button>
    </form>
  );
}
