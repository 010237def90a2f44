'use server';

import { resetPassword } from '@aw/accounts';
import { getRoot } from '~/server/composition';
import { redirect } from 'next/navigation';
import { type FormState, formError } from '~/server/form-errors';

export async function resetAction(token: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await resetPassword(getRoot().prisma, token, String(form.get('password') ?? ''));
  } catch (e) {
    return formError(e);
  }
  redirect('/sign-in?reset=1');
}
