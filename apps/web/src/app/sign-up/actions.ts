'use server';

import { signUp } from '@aw/accounts';
import { getDb } from '@aw/db';
import { z } from 'zod';
import { signIn } from '~/server/auth';
import { type FormState, formError } from '~/server/form-errors';

const ZSignUp = z.object({
  mspName: z.string().trim().min(2, 'at least 2 characters').max(100),
  name: z.string().trim().min(1, 'required').max(100),
  email: z.string().trim().email('not an email address').max(320),
  password: z.string().min(10, 'at least 10 characters').max(256),
});

export async function signUpAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = ZSignUp.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return {
      error: 'Please fix the highlighted fields.',
      fields: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])),
    };
  }
  try {
    await signUp(getDb(), parsed.data);
  } catch (e) {
    return formError(e);
  }
  await signIn('credentials', {
    email: parsed.data.email,
    password: parsed.data.password,
    redirectTo: '/dashboard',
  });
  return { error: null };
}
