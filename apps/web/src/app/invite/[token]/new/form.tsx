'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import type { FormState } from '~/server/form-errors';
import { createAccountAction } from '../actions';

export function NewAccountForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(
    createAccountAction.bind(null, token),
    {
      error: null,
    },
  );
  const f = state.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field id="email" label="Email" value={email} readOnly disabled />
      <Field id="name" label="Your name" required autoComplete="name" error={f.name} />
      <Field
        id="password"
        label="Choose a password"
        type="password"
        required
        autoComplete="new-password"
        hint="At least 10 characters."
        error={f.password}
      />
      {state.error ? <ErrorNote>{state.error}</ErrorNote> : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Creating…' : 'Create account and join'}
      </Button>
      <p className="text-sm">
        Already have an account?{' '}
        <Link href={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`} className="underline">
          Sign in to accept
        </Link>
      </p>
    </form>
  );
}
