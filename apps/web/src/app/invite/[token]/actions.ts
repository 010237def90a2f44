'use server';

import { acceptInvitation } from '@aw/accounts';
import { getDb } from '@aw/db';
import { signIn } from '~/server/auth';
import { type FormState, formError } from '~/server/form-errors';

export async function acceptAction(token: string, _prev: FormState, form: FormData): Promise<FormState> {
  const password = String(form.get('password') ?? '');
  let email: string;
  try {
    ({ email } = await acceptInvitation(getDb(), { token, name: String(form.get('name') ?? ''), password }));
  } catch (e) {
    return formError(e);
  }
  await signIn('credentials', { email, password, redirectTo: '/dashboard' });
  return { error: null };
}
