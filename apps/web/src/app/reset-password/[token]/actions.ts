'use server';

import { resetPassword } from '@aw/accounts';
import { getDb } from '@aw/db';
import { redirect } from 'next/navigation';
import { type FormState, formError } from '~/server/form-errors';

export async function resetAction(token: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await resetPassword(getDb(), token, String(form.get('password') ?? ''));
  } catch (e) {
    return formError(e);
  }
  redirect('/sign-in?reset=1');
}
