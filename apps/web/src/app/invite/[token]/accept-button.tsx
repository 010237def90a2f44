'use client';

import { useActionState } from 'react';
import { Button, ErrorNote } from '~/components/ui';
import type { FormState } from '~/server/form-errors';
import { acceptAsUserAction } from './actions';

export function AcceptButton({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState<FormState>(acceptAsUserAction.bind(null, token), {
    error: null,
  });
  return (
    <form action={action} className="space-y-4">
      {state.error ? <ErrorNote>{state.error}</ErrorNote> : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Joining…' : `Accept as ${email}`}
      </Button>
    </form>
  );
}
